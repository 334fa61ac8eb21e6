using Adversa.Common;
using Adversa.Data;
using static TorchSharp.torch;

namespace Adversa.Uda;

/// <summary>
/// The frozen part of the backbone's output for a whole image set, computed once (eval mode, no gradients) and reused
/// by every epoch and every evaluation, so a training step costs only the trainable part: the main speed lever on a
/// CPU. Deterministic, so a resumed run recomputes exactly the same cache.
/// </summary>
public sealed class FeatureCache : IDisposable
{
    /// <summary>The cached maps [N, C, H, W].</summary>
    public Tensor Maps { get; }
    /// <summary>Labels of the cached images, or null.</summary>
    public Tensor? Labels { get; }
    /// <summary>Number of cached images.</summary>
    public int Count => (int)Maps.shape[0];

    FeatureCache(Tensor maps, Tensor? labels)
    {
        Maps = maps;
        Labels = labels;
    }

    /// <param name="features">The frozen network part (in eval mode), images to maps.</param>
    public static FeatureCache Compute(Func<Tensor, Tensor> features, ImageSet set, ImageTransform transform, IProgressSink progress, int batch = 200)
    {
        var parts = new List<Tensor>();
        int batches = (set.Count + batch - 1) / batch;
        progress.Start($"frozen backbone features of {set.Name} ({set.Count:N0} images, {transform.Size}x{transform.Size})", batches);
        var hygiene = new MemoryHygiene(10);
        using (no_grad())
            for (int b = 0; b < batches; b++)
            {
                using var scope = NewDisposeScope();
                int s = b * batch, n = Math.Min(batch, set.Count - s);
                parts.Add(features(transform.Apply(set.Rows(s, n))).DetachFromDisposeScope());
                progress.Update(b + 1);
                hygiene.AfterStep();
            }
        progress.Finish();
        // Detached: the cache outlives whatever dispose scope asked for it.
        var maps = cat(parts, 0).DetachFromDisposeScope();
        foreach (var p in parts) p.Dispose();
        return new FeatureCache(maps, set.Labels?.clone().DetachFromDisposeScope());
    }

    /// <summary>The maps and labels at <paramref name="index"/>.</summary>
    public (Tensor Maps, Tensor? Labels) Take(Tensor index) => (Maps.index_select(0, index), Labels?.index_select(0, index));

    /// <inheritdoc/>
    public void Dispose()
    {
        Maps.Dispose();
        Labels?.Dispose();
    }
}
