using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Metrics;

/// <summary>
/// FID and KID of generated images against real ones, next to the real-vs-real floor: two disjoint halves
/// of the real images compared the same way, at the same sample size (both scores are biased by size, so
/// only equal sizes are comparable).
/// </summary>
public sealed record FidReport(int SamplesPerSet, int FeatureSize, double Fid, KidScore Kid, double FloorFid, KidScore FloorKid)
{
    /// <summary>What these scores are not comparable with.</summary>
    public const string Caveat = "features: ImageNet ResNet18 (ML.NET ONNX weights) pooled 512-d, not Inception-v3; not comparable with published FIDs";

    /// <summary>One line: FID and KID with their real-vs-real floors.</summary>
    public string Describe() =>
        $"FID-ResNet18 {Fid:F2} (real-vs-real floor {FloorFid:F2}); KID {Kid.Mean:G4} ± {Kid.Std:G3} (floor {FloorKid.Mean:G4} ± {FloorKid.Std:G3}); " +
        $"{SamplesPerSet} images per set at {FeatureSize}x{FeatureSize}";

    /// <summary>
    /// <paramref name="real"/>: uint8 real images (at least 2 x samplesPerSet are used when available);
    /// <paramref name="generate"/>: returns n uint8 generated images.
    /// </summary>
    public static FidReport Evaluate(Tensor real, Func<int, Tensor> generate, int samplesPerSet, FeatureExtractor features, long seed, IProgressSink progress)
    {
        int half = (int)Math.Min(samplesPerSet, real.shape[0] / 2);
        if (half < 2) throw new Common.AdversaException($"need at least 4 real images for FID, got {real.shape[0]}");
        using var g = new Generator((ulong)seed + 5);
        using var order = randperm(real.shape[0], generator: g);
        using var realA = real.index_select(0, order.narrow(0, 0, half));
        using var realB = real.index_select(0, order.narrow(0, half, half));
        using var fake = generate(half);
        using var fa = features.Extract(realA, progress, "features: real half A");
        using var fb = features.Extract(realB, progress, "features: real half B");
        using var ff = features.Extract(fake, progress, "features: generated");
        // Subsets must be smaller than the sets, or every subset is the whole set and the spread is zero.
        int subset = Math.Min(1000, Math.Max(2, half / 2));
        return new FidReport(half, features.InputSize,
            Metrics.Fid.Frechet(ff, fa), Metrics.Fid.Kid(ff, fa, subsetSize: subset, seed: seed),
            Metrics.Fid.Frechet(fb, fa), Metrics.Fid.Kid(fb, fa, subsetSize: subset, seed: seed));
    }
}
