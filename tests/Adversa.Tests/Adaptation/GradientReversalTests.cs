using Adversa.Data;
using Adversa.Adaptation;
using Adversa.Tests.Fixtures;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Tests.Adaptation;

public class GradientReversalTests
{
    [Fact]
    public void ForwardIsIdentityAndGradientIsExactlyMinusLambdaTimesUpstream()
    {
        using var x = tensor(new float[] { 0.5f, -1.25f, 3f }, requires_grad: true);
        using var y = GradientReversal.Apply(x, 0.75);
        Assert.Equal(x.data<float>().ToArray(), y.data<float>().ToArray());
        using var upstream = tensor(new float[] { 2f, -4f, 1f });
        y.backward([upstream]);
        Assert.Equal(new[] { -1.5f, 3f, -0.75f }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void OnlyTheReversedPathIsFlipped()
    {
        // loss = sum(x) + sum(GRL(x) * 2): d/dx = 1 + 2 * (-lambda)
        using var x = tensor(new float[] { 1f, 2f }, requires_grad: true);
        using var loss = x.sum() + GradientReversal.Apply(x, 0.5).mul(2).sum();
        loss.backward();
        Assert.Equal(new[] { 0f, 0f }, x.grad!.data<float>().ToArray());
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.1, 0.46211715726)]
    [InlineData(0.5, 0.98661429815)]
    [InlineData(1.0, 0.99990920426)]
    public void LambdaScheduleMatchesGanin(double p, double expected) =>
        Assert.Equal(expected, GradientReversal.Schedule(p), 9);

    [Fact]
    public void AnnealedLearningRate() =>
        Assert.Equal(0.01 / Math.Pow(6, 0.75), GradientReversal.AnnealedLearningRate(0.01, 0.5), 12);
}
