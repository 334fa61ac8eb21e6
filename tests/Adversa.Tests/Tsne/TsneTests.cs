using Adversa.Tsne;
using static TorchSharp.torch;

namespace Adversa.Tests.Tsne;

public class TsneTests
{
    /// <summary>c well-separated Gaussian clusters of m points in d dimensions, with their cluster ids.</summary>
    public static (Tensor X, int[] Labels) Clusters(int c, int m, int d, long seed, double spread = 10)
    {
        using var g = new Generator((ulong)seed);
        var centres = randn([c, d], generator: g, dtype: ScalarType.Float64) * spread;
        var x = randn([c * m, d], generator: g, dtype: ScalarType.Float64) + centres.repeat_interleave(m, 0);
        return (x, Enumerable.Range(0, c * m).Select(i => i / m).ToArray());
    }

    [Fact]
    public void SeparatedClustersStaySeparated()
    {
        var (x, labels) = Clusters(5, 60, 20, seed: 1);
        var result = BarnesHutTsne.Fit(x, new TsneOptions(Perplexity: 20, Iterations: 500, Seed: 1));
        double trust = Trustworthiness.Compute(x, result.Embedding, 5);
        Assert.True(trust > 0.9, $"trustworthiness {trust:F3}");
        // Every point's nearest embedded neighbour belongs to its own cluster.
        int n = labels.Length, wrong = 0;
        for (int i = 0; i < n; i++)
        {
            int best = -1;
            double bestD = double.MaxValue;
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                double dx = result.Embedding[2 * i] - result.Embedding[2 * j], dy = result.Embedding[2 * i + 1] - result.Embedding[2 * j + 1];
                if (dx * dx + dy * dy < bestD) { bestD = dx * dx + dy * dy; best = j; }
            }
            if (labels[best] != labels[i]) wrong++;
        }
        Assert.True(wrong <= n / 100, $"{wrong} of {n} points have a nearest neighbour from another cluster");
        Assert.True(result.KlDivergence is > 0 and < 3, $"KL {result.KlDivergence}");
    }

    [Fact]
    public void PerplexityCalibrationHitsItsTargetEntropy()
    {
        var (x, _) = Clusters(3, 50, 10, seed: 2, spread: 3);
        int k = 45;
        var (_, distances) = BarnesHutTsne.NearestNeighbours(x, k);
        var p = BarnesHutTsne.Affinities(distances, 150, k, perplexity: 15);
        for (int i = 0; i < 150; i++)
        {
            Assert.Equal(Math.Log(15), BarnesHutTsne.RowEntropy(p, i, k), 3);
            Assert.Equal(1.0, p.AsSpan(i * k, k).ToArray().Sum(), 6);
        }
    }

    [Fact]
    public void SameSeedSameEmbedding()
    {
        var (x, _) = Clusters(3, 40, 8, seed: 3);
        var a = BarnesHutTsne.Fit(x, new TsneOptions(Perplexity: 10, Iterations: 300, Seed: 4));
        var b = BarnesHutTsne.Fit(x, new TsneOptions(Perplexity: 10, Iterations: 300, Seed: 4));
        Assert.Equal(a.Embedding, b.Embedding);
    }

    [Fact]
    public void TrustworthinessOfIdentityIsOneAndOfNoiseIsLow()
    {
        using var g = new Generator(5);
        var flat = randn([200, 2], generator: g, dtype: ScalarType.Float64);
        Assert.Equal(1.0, Trustworthiness.Compute(flat, flat.contiguous().data<double>().ToArray(), 5), 6);
        var noise = randn([200, 2], generator: g, dtype: ScalarType.Float64).contiguous().data<double>().ToArray();
        Assert.True(Trustworthiness.Compute(flat, noise, 5) < 0.7);
    }
}
