using Adversa.Data.Synthetic;
using Adversa.Metrics;
using static TorchSharp.torch;

namespace Adversa.Bench;

/// <summary>
/// What the GAN target "FID-ResNet18 ≤ 3x the real-vs-real floor" asks for: the FID of real synth-faces (half B) against
/// real ones (half A) after known, controlled damage to half B — blur, added pixel noise, smooth colour blotches, a colour
/// cast — each printed as a multiple of the floor. The split and feature size are the main job's (500 images, 64x64).
/// </summary>
static class FidSensitivityBenchmark
{
    public static void Run(int perSet, int featureSize)
    {
        var faces = SynthFaces.Generate(2 * perSet, seed: 1);
        var real = faces.Images; // uint8 [N,3,64,64]
        using var g = new Generator(11);
        var a = real.narrow(0, 0, perSet);
        var realB = real.narrow(0, perSet, perSet);
        var b = realB.to_type(ScalarType.Float32);
        var features = new FeatureExtractor(featureSize);
        using var fa = features.Extract(a);
        double floor = -1;
        void Report(string what, Tensor damaged)
        {
            using var scope = NewDisposeScope();
            var bytes = damaged.dtype == ScalarType.Byte ? damaged : FidDamage.ToBytes(damaged);
            var fb = features.Extract(bytes);
            double fid = Fid.Frechet(fb, fa);
            if (floor < 0) floor = fid;
            var (mu1, mu2) = (fb.mean([0]), fa.mean([0]));
            double meanTerm = (mu1 - mu2).pow(2).sum().item<double>();
            Console.WriteLine($"{what,-48} FID {fid,9:F1}  = {fid / floor,6:F1}x floor  (mean term {meanTerm,8:F1})");
        }
        Report("real vs real (the floor)", b);
        foreach (int k in new[] { 3, 5 })
            Report($"box blur {k}x{k}", FidDamage.Blur(realB, k));
        foreach (float s in new[] { 4f, 8f, 16f })
            Report($"+ pixel noise sigma {s}", b + randn(b.shape, generator: g) * s);
        foreach (float s in new[] { 8f, 16f, 32f })
            Report($"+ smooth colour blotches sigma {s}", FidDamage.Blotches(realB, s, g));
        var grey = b.mean([1], keepdim: true);
        foreach (float s in new[] { 0.8f, 0.6f })
            Report($"saturation x{s}", grey + (b - grey) * s);
        Report("brightness +10", b + 10);
        Report("downsample to 32 and back (bilinear)", nn.functional.interpolate(nn.functional.interpolate(b, [32, 32], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true), [64, 64], mode: InterpolationMode.Bilinear, align_corners: false));
    }
}
