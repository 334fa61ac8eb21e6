using Adversa.Data;

namespace Adversa.Dann;

/// <summary>
/// A digit domain for adaptation: a training part and an evaluation part. Synthetic domains have a real test
/// split; a real dataset uses its test files when present, otherwise a fixed, seeded held-out part of its
/// training files that training never sees.
/// </summary>
public sealed record DomainData(string Name, ImageSet Train, ImageSet Eval, string EvalDescription) : IDisposable
{
    /// <summary>Every domain becomes 3 x size x size in [-1, 1].</summary>
    public static ImageTransform TransformFor(int size) => new(size, 3, Normalization.MinusOneToOne);

    /// <summary>
    /// The input side for a pair of domains when none is asked for: the larger of their native sides, within what
    /// the network takes (26 to 32), so the larger domain is never downsampled: 32 for any pair with SVHN, MNIST-M
    /// (32x32 in its official release) or a synthetic domain, 28 for MNIST with USPS. A smaller side can be asked
    /// for (<c>--size 28</c>: 1.3x fewer pixels, faster).
    /// </summary>
    public static int NativeSize(DomainData a, DomainData b) =>
        Math.Clamp(Math.Max(a.Train.Height, b.Train.Height), DannModel.MinSize, DannModel.MaxSize);

    /// <param name="trainOnDisk">Keep the training part's pixels in a temporary file instead of memory (<see cref="ImageSet.MoveToDisk"/>).</param>
    public static DomainData Load(string name, string? dataRoot, int? limit, double holdout, long seed, bool trainOnDisk = false)
    {
        var info = DatasetCatalog.Info(name);
        if (info.Kind != DatasetKind.Digits) throw new Common.AdversaException($"{name} is not a digit dataset; domains are mnist, mnistm, svhn, usps, synth-svhn, synth-mnistm");
        ImageSet Stored(ImageSet train) => trainOnDisk ? train.MoveToDisk() : train;
        if (info.Synthetic)
        {
            var train = DatasetCatalog.Load(new DatasetRequest(name, "train", limit, dataRoot, seed));
            var test = DatasetCatalog.Load(new DatasetRequest(name, "test", limit is int l ? Math.Max(100, l / 5) : null, dataRoot, seed));
            return new DomainData(name, Stored(train), test, $"{name} test split ({test.Count} images)");
        }
        var all = DatasetCatalog.Load(new DatasetRequest(name, "train", limit, dataRoot, seed));
        var (rest, held) = all.SplitOffInPlace(holdout, seed: 2024);
        all.Dispose();
        return new DomainData(name, Stored(rest), held, $"{name} held-out {holdout:P0} of train ({held.Count} images, seed 2024, never trained on)");
    }

    public void Dispose()
    {
        Train.Dispose();
        Eval.Dispose();
    }
}
