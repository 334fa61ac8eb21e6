using Adversa.Common;
using System.Globalization;
using Adversa.Data;
using Adversa.Plots;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Tsne;

/// <summary>What <c>adversa tsne</c> computes: latent features of both domains' evaluation images, embedded and plotted.</summary>
public sealed record LatentSpaceReport(int PointsPerDomain, double KlDivergence, double Trustworthiness, double Seconds, string Figure, string Csv);

/// <summary>The latent-space figure of a model: its features of both domains' evaluation images, embedded and plotted by domain and by class.</summary>
public static class LatentSpace
{
    /// <param name="features">Latent features for model-space images (e.g. a DANN feature extractor).</param>
    public static LatentSpaceReport Plot(Func<Tensor, Tensor> features, ImageTransform transform, ImageSet source, ImageSet target, int perDomain,
                                         string figurePath, string title, long seed, IProgressSink progress, TsneOptions? options = null)
    {
        var sets = new[] { source, target };
        var latent = new List<Tensor>();
        var domains = new List<int>();
        var labels = new List<int>();
        for (int d = 0; d < 2; d++)
        {
            using var g = new Generator((ulong)seed + (ulong)d);
            int n = Math.Min(perDomain, sets[d].Count);
            using var pick = randperm(sets[d].Count, generator: g).narrow(0, 0, n);
            using var images = sets[d].TakeRows(pick);
            using var y = sets[d].Labels!.index_select(0, pick);
            using (no_grad())
                for (int s = 0; s < n; s += 500)
                {
                    using var scope = NewDisposeScope();
                    latent.Add(features(transform.Apply(images.narrow(0, s, Math.Min(500, n - s)))).to_type(ScalarType.Float64).MoveToOuterDisposeScope());
                }
            domains.AddRange(Enumerable.Repeat(d, n));
            labels.AddRange(y.data<long>().ToArray().Select(v => (int)v));
        }
        using var all = cat(latent, 0);
        foreach (var t in latent) t.Dispose();
        var result = BarnesHutTsne.Fit(all, options ?? new TsneOptions(Seed: seed), progress);
        double trust = Trustworthiness.Compute(all, result.Embedding, 5);
        TsnePlot.Save(figurePath, result.Embedding, domains.ToArray(), labels.ToArray(), [source.Name, target.Name], title);
        var csv = Path.ChangeExtension(figurePath, ".csv");
        Common.AtomicFile.WriteAllLines(csv, ["x,y,domain,label", .. Enumerable.Range(0, labels.Count).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{result.Embedding[2 * i]:G6},{result.Embedding[2 * i + 1]:G6},{sets[domains[i]].Name},{labels[i]}"))]);
        return new LatentSpaceReport(labels.Count / 2, result.KlDivergence, trust, result.Seconds, figurePath, csv);
    }
}
