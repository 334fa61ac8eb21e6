using Adversa.Common;
using Adversa.Acgan;
using Adversa.Data;
using Adversa.Gan;
using static TorchSharp.torch;

namespace Adversa.Metrics;

/// <summary>One attribute's control report: the judge's own accuracy on real held-out faces, then its verdict on generated pairs.</summary>
public sealed record AttributeControlReport(string Attribute, int TrainImages, int HeldOutImages, double ClassifierHeldOutAccuracy, AttributeControlScore Score)
{
    /// <summary>One line: judge accuracy, off/on accuracies and pair flip rate.</summary>
    public string Describe() =>
        $"{Attribute}: classifier accuracy on {HeldOutImages} real held-out faces {ClassifierHeldOutAccuracy:P1}; on {Score.Pairs} generated pairs: " +
        $"off-samples judged off {Score.OffAccuracy:P1}, on-samples judged on {Score.OnAccuracy:P1}, pair flip rate {Score.FlipRate:P1} (chance 25%)";
}

/// <summary>Attribute control of a conditional generator, judged by a classifier trained on real faces.</summary>
public static class AttributeControlEvaluation
{
    /// <summary>
    /// Trains a classifier per attribute on real faces (<paramref name="real"/> minus a held-out fraction), then
    /// judges <paramref name="pairs"/> off/on pairs from the generator.
    /// </summary>
    public static List<AttributeControlReport> Evaluate(DcganGenerator g, IReadOnlyList<string> trainedAttributes, IReadOnlyList<string> attributes,
                                                        ImageSet real, int pairs, int classifierEpochs, long seed, IProgressSink progress)
    {
        var (train, heldOut) = real.SplitOff(0.2, seed);
        var reports = new List<AttributeControlReport>();
        int latent = (int)g.parameters().First().shape[0] - trainedAttributes.Count;
        foreach (var attribute in attributes)
        {
            int generatorIndex = trainedAttributes.ToList().FindIndex(a => a.Equals(attribute, StringComparison.OrdinalIgnoreCase));
            if (generatorIndex < 0) throw new Common.AdversaException($"the generator was trained on {string.Join(", ", trainedAttributes)}, not '{attribute}'");
            int dataIndex = real.AttributeIndex(attribute);
            var classifier = new AttributeClassifier();
            double accuracy = classifier.Fit(train, heldOut, dataIndex, classifierEpochs, seed, progress);
            using var scope = NewDisposeScope();
            using var gen = new Generator((ulong)seed + 1234);
            var noise = randn([pairs, latent], generator: gen);
            var offPredictions = new List<Tensor>();
            var onPredictions = new List<Tensor>();
            using (no_grad())
                for (int s = 0; s < pairs; s += 100)
                {
                    var chunk = noise.narrow(0, s, Math.Min(100, pairs - s));
                    var (off, on) = AcganTrainer.GeneratePairs(g, chunk, trainedAttributes.Count, generatorIndex, seed + s);
                    offPredictions.Add(classifier.PredictModelSpace(off));
                    onPredictions.Add(classifier.PredictModelSpace(on));
                }
            var score = AttributeControlScore.From(cat(offPredictions, 0), cat(onPredictions, 0));
            reports.Add(new AttributeControlReport(trainedAttributes[generatorIndex], train.Count, heldOut.Count, accuracy, score));
        }
        return reports;
    }
}
