using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Metrics;

/// <summary>
/// FID and KID of generated images against real ones, next to the real-vs-real floor: two disjoint halves
/// of the real images compared the same way, at the same sample size (both scores are biased by size, so
/// only equal sizes are comparable). <paramref name="References"/>: the same real half after known damage (<see cref="FidDamage"/>),
/// scored like generated images, so a reader sees what a multiple of the floor means (null in reports written before it existed).
/// </summary>
public sealed record FidReport(int SamplesPerSet, int FeatureSize, double Fid, KidScore Kid, double FloorFid, KidScore FloorKid,
                               IReadOnlyList<FidReference>? References = null)
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
        using var damageNoise = new Generator((ulong)seed + 6);
        var references = FidDamage.Standard.Select(d =>
        {
            using var damaged = d.Apply(realB, damageNoise);
            using var fd = features.Extract(damaged, progress, $"features: real half B, {d.Name}");
            return new FidReference(d.Name, Metrics.Fid.Frechet(fd, fa));
        }).ToList();
        // Subsets must be smaller than the sets, or every subset is the whole set and the spread is zero.
        int subset = Math.Min(1000, Math.Max(2, half / 2));
        return new FidReport(half, features.InputSize,
            Metrics.Fid.Frechet(ff, fa), Metrics.Fid.Kid(ff, fa, subsetSize: subset, seed: seed),
            Metrics.Fid.Frechet(fb, fa), Metrics.Fid.Kid(fb, fa, subsetSize: subset, seed: seed), references);
    }

    /// <summary>"For scale: ..." — the references as multiples of the floor, one sentence; empty when there are none.</summary>
    public string DescribeReferences() => References is not { Count: > 0 } ? "" :
        "For scale, real faces scored the same way after known damage: " +
        string.Join(", ", References.Select(r => $"{r.Damage} {r.Fid:F0} ({r.Fid / Math.Max(1e-9, FloorFid):F1}x the floor)")) + ".";
}

/// <summary>The FID of real images after one known damage (<see cref="FidDamage"/>).</summary>
public sealed record FidReference(string Damage, double Fid);

/// <summary>
/// Known damage to real uint8 images [N,3,H,W], for the FID's scale: how far the metric moves when real faces are blurred or
/// carry the smooth colour blotches of an undertrained generator's backgrounds (measured on synth-faces, 500 images at 64x64:
/// a 3x3 box blur scores 8.4x the floor, blotches of std 16 18.5x, std 32 37x; bench `fid-sensitivity`).
/// </summary>
public static class FidDamage
{
    /// <summary>One damage: its name in reports, and the function (images, noise generator) to uint8 images.</summary>
    public sealed record Damage(string Name, Func<Tensor, Generator, Tensor> Apply);

    /// <summary>What every FID report scores for scale.</summary>
    public static readonly IReadOnlyList<Damage> Standard =
    [
        new("a 3x3 box blur", (x, _) => Blur(x, 3)),
        new("smooth colour blotches of std 16 (of 255)", (x, g) => Blotches(x, 16, g)),
    ];

    /// <summary>Each channel averaged over a k x k window (edges repeated), rounded back to uint8.</summary>
    public static Tensor Blur(Tensor images, int k)
    {
        using var scope = NewDisposeScope();
        var x = images.to_type(ScalarType.Float32);
        long c = x.shape[1];
        var kernel = ones([c, 1, k, k]) / (k * k);
        var padded = nn.functional.pad(x, [k / 2, k / 2, k / 2, k / 2], TorchSharp.PaddingModes.Replicate);
        return ToBytes(nn.functional.conv2d(padded, kernel, groups: c)).MoveToOuterDisposeScope();
    }

    /// <summary>Gaussian noise of std <paramref name="std"/> drawn on an 8x8 grid per channel and upsampled bilinearly to the image: slow colour
    /// variation across flat regions.</summary>
    public static Tensor Blotches(Tensor images, double std, Generator g)
    {
        using var scope = NewDisposeScope();
        var x = images.to_type(ScalarType.Float32);
        var coarse = randn([x.shape[0], x.shape[1], 8, 8], generator: g) * std;
        var smooth = nn.functional.interpolate(coarse, [x.shape[2], x.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
        return ToBytes(x + smooth).MoveToOuterDisposeScope();
    }

    /// <summary>Float images on the 0-255 scale back to uint8: clamped, rounded.</summary>
    public static Tensor ToBytes(Tensor x) => x.clamp(0, 255).round().to_type(ScalarType.Byte);
}
