using Adversa.Common;
using Adversa.Data.Synthetic;
using Adversa.Metrics;
using static TorchSharp.torch;

namespace Adversa.Tests.Metrics;

/// <summary>
/// The control metric on two fake "generators" written here from the synthetic face renderer: one that obeys
/// the Smiling switch perfectly, and one that ignores it (smiles at random).
/// </summary>
public class AttributeControlTests
{
    [Fact]
    public void PerfectGeneratorScoresNearOneAndIgnoringOneNearAQuarter()
    {
        using var real = SynthFaces.Generate(2500, seed: 11);
        var (train, heldOut) = real.SplitOff(0.2, 1);
        var classifier = new AttributeClassifier();
        double accuracy = classifier.Fit(train, heldOut, 0, epochs: 2, seed: 1, NullProgress.Instance);
        Assert.True(accuracy > 0.9, $"judge accuracy {accuracy:P1}");

        const int m = 400;
        using var off = SynthFaces.Generate(m, seed: 99, force: (0, false));
        using var on = SynthFaces.Generate(m, seed: 99, force: (0, true));
        var perfect = AttributeControlScore.From(classifier.Predict(off.Images), classifier.Predict(on.Images));
        Assert.True(perfect.FlipRate > 0.9, $"perfect generator flip rate {perfect.FlipRate:P1}");
        Assert.True(perfect.OffAccuracy > 0.9 && perfect.OnAccuracy > 0.9);

        // Ignoring the switch: each side smiles at random, independently of what was asked.
        using var randomA = SynthFaces.Generate(m, seed: 5);
        using var randomB = SynthFaces.Generate(m, seed: 6);
        var ignoring = AttributeControlScore.From(classifier.Predict(randomA.Images), classifier.Predict(randomB.Images));
        Assert.InRange(ignoring.FlipRate, 0.17, 0.33);
        Assert.InRange(ignoring.OnAccuracy, 0.4, 0.6);
    }

    [Fact]
    public void ScoreArithmetic()
    {
        using var off = tensor(new[] { false, false, true, false });
        using var on = tensor(new[] { true, false, true, true });
        var s = AttributeControlScore.From(off, on);
        Assert.Equal(0.75, s.OffAccuracy, 6);
        Assert.Equal(0.75, s.OnAccuracy, 6);
        Assert.Equal(0.5, s.FlipRate, 6);
    }
}
