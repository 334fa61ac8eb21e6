using Adversa.Data;

namespace Adversa.Adaptation;

/// <summary>
/// A digit domain for adaptation: a training part and an evaluation part. Synthetic domains have a real test
/// split; a real dataset uses its test files when present (<see cref="DatasetCatalog.HasSplit"/>), otherwise a fixed,
/// seeded held-out part of its training files that training never sees.
/// </summary>
public sealed record DomainData(string Name, ImageSet Train, ImageSet Eval, string EvalDescription) : IDisposable
{
    /// <summary>Every domain becomes 3 x size x size in [-1, 1].</summary>
    public static ImageTransform TransformFor(int size) => new(size, 3, Normalization.MinusOneToOne);

    /// <param name="trainOnDisk">Keep the training part's pixels in a temporary file instead of memory (<see cref="ImageSet.MoveToDisk"/>).</param>
    public static DomainData Load(string name, string? dataRoot, int? limit, double holdout, long seed, bool trainOnDisk = false)
    {
        var info = DatasetCatalog.Info(name);
        if (info.Kind != DatasetKind.Digits) throw new Common.AdversaException($"{name} is not a digit dataset; domains are mnist, mnistm, svhn, usps, synth-svhn, synth-mnistm");
        ImageSet Stored(ImageSet train) => trainOnDisk ? train.MoveToDisk() : train;
        if (DatasetCatalog.HasSplit(name, "test", dataRoot))
        {
            // A synthetic domain's test split is a fifth of --limit (at least 100); a real one's test files are those the study
            // evaluated on (SVHN's 26,032, MNIST-M's 9,001), the first --limit of them with a limit.
            var train = DatasetCatalog.Load(new DatasetRequest(name, "train", limit, dataRoot, seed));
            var test = DatasetCatalog.Load(new DatasetRequest(name, "test", info.Synthetic && limit is int l ? Math.Max(100, l / 5) : limit, dataRoot, seed));
            return new DomainData(name, Stored(train), test, $"{name} test split ({test.Count} images{(info.Synthetic ? "" : ", never trained on")})");
        }
        var all = DatasetCatalog.Load(new DatasetRequest(name, "train", limit, dataRoot, seed));
        var (rest, held) = all.SplitOffInPlace(holdout, seed: 2024);
        all.Dispose();
        return new DomainData(name, Stored(rest), held, $"{name} held-out {holdout:P0} of train ({held.Count} images, seed 2024, never trained on)");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Train.Dispose();
        Eval.Dispose();
    }
}
