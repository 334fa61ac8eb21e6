using System.Diagnostics;
using Adversa.Common;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Bench;

static class TsneBenchmark
{
    public static void Run(int n, int d)
    {
        // Ten Gaussian clusters with centres drawn at scale 3 (overlapping tails), like class features of a trained network.
        using var g = new Generator(7);
        var centres = randn([10, d], generator: g, dtype: ScalarType.Float64) * 3;
        var x = randn([n, d], generator: g, dtype: ScalarType.Float64) + centres.repeat_interleave(n / 10, 0);
        var result = Adversa.Tsne.BarnesHutTsne.Fit(x, new Adversa.Tsne.TsneOptions(), new PlainProgress(Console.Out));
        var sw = Stopwatch.StartNew();
        double trust = Adversa.Tsne.Trustworthiness.Compute(x, result.Embedding, 5);
        Console.WriteLine($"t-SNE {n} x {d}: {result.Seconds:F1} s (1000 iterations, perplexity 30, theta 0.5, {get_num_threads()} torch threads, {Environment.ProcessorCount} cores); KL {result.KlDivergence:F3}; trustworthiness(k=5) {trust:F4} (computed in {sw.Elapsed.TotalSeconds:F1} s)");
    }
}
