using Adversa.Dann;
using Adversa.Tests.Fixtures;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Tests.Dann;

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

public class DannTrainingTests
{
    /// <summary>
    /// The same DANN run with the reversal switched off (lambda 0: the domain classifier learns, the features ignore it)
    /// and on at the default strength (0.3). With reversal the domain classifier ends near chance, without it near
    /// certainty; the class is still learnt.
    /// </summary>
    [Fact]
    public void ReversalDrivesTheDomainClassifierTowardChanceWhileTheClassIsLearnt()
    {
        using var source = DomainData.Load("synth-svhn", null, 1280, 0.1, seed: 3);
        using var target = DomainData.Load("synth-mnistm", null, 1280, 0.1, seed: 3);
        var final = new Dictionary<double, (double DomainAcc, double SourceAcc)>();
        foreach (var lambdaMax in new[] { 0.0, 0.3 })
        {
            using var dir = new TempDir();
            var trainer = new DannTrainer(source, target, new DannOptions("synth-svhn", "synth-mnistm", DannMode.Dann, Epochs: 3, Batch: 64,
                                                                           LambdaMax: lambdaMax, Seed: 3));
            TrainingLoop.Run(trainer, new LoopOptions(3, dir.Path), NullProgress.Instance);
            double domainAcc = trainer.State.History["domain_acc"].TakeLast(15).Average();
            // Source accuracy as measured on the training batches (batch statistics); see the DANN issue's note on
            // evaluation-mode batch norm under the adversarial game.
            final[lambdaMax] = (domainAcc, trainer.State.History["train_acc"].TakeLast(15).Average());
        }
        Assert.True(final[0.0].DomainAcc > 0.9, $"without reversal the domain classifier should win: {final[0.0].DomainAcc:P1}");
        Assert.True(Math.Abs(final[0.3].DomainAcc - 0.5) < 0.2, $"with reversal it should be near chance: {final[0.3].DomainAcc:P1}");
        Assert.True(final[0.3].SourceAcc > 0.5, $"source accuracy with reversal {final[0.3].SourceAcc:P1} (without: {final[0.0].SourceAcc:P1})");
    }
}
