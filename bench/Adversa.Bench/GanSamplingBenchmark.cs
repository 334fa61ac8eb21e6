using Adversa.Data.Synthetic;
using Adversa.Gan;
using Adversa.Metrics;
using static TorchSharp.torch;

namespace Adversa.Bench;

/// <summary>
/// FID of one DCGAN checkpoint's reported generator sampled two ways: eval mode (batch norm's running statistics, what Adversa
/// reports) and train mode (each batch of 100 normalised by its own statistics, as PyTorch's DCGAN example samples).
/// </summary>
static class GanSamplingBenchmark
{
    public static void Run(string checkpoint, int perSet, int featureSize, long seed)
    {
        var g = DcganTrainer.LoadReported(checkpoint);
        var real = SynthFaces.Generate(2 * perSet, seed + 1000).Images;
        var features = new FeatureExtractor(featureSize);
        var latent = g.parameters().First().shape[0];
        foreach (bool trainMode in new[] { false, true })
        {
            Tensor Generate(int n) => DcganTrainer.GenerateBytes(g, n, seed, (_, m, gen) => randn([m, latent], generator: gen), batchStatistics: trainMode);
            var report = FidReport.Evaluate(real, Generate, perSet, features, seed, new Adversa.Common.NullProgress());
            Console.WriteLine($"{(trainMode ? "train mode (batch statistics)" : "eval mode (running statistics)"),-34} {report.Describe()}  ratio {report.Fid / report.FloorFid:F1}x");
        }
    }
}
