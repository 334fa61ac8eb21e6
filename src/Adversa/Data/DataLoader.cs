using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Data;

/// <summary>One mini-batch: model-ready images plus labels or attributes. Disposing frees all three.</summary>
public sealed record Batch(Tensor Images, Tensor? Labels, Tensor? Attributes) : IDisposable
{
    /// <summary>Images in the batch.</summary>
    public int Size => (int)Images.shape[0];

    /// <inheritdoc/>
    public void Dispose()
    {
        Images.Dispose();
        Labels?.Dispose();
        Attributes?.Dispose();
    }
}

/// <summary>
/// Batches an in-memory <see cref="ImageSet"/>. The order of epoch e is a permutation drawn from its own
/// generator seeded with (seed, e), independent of the global RNG, so a run resumed at epoch e, batch k sees
/// exactly the batches the uninterrupted run would have seen.
/// </summary>
public sealed class DataLoader(ImageSet set, int batchSize, ImageTransform transform, bool shuffle = true, long seed = 0, bool dropLast = true)
{
    /// <summary>The images batches are drawn from.</summary>
    public ImageSet Set { get; } = set;
    /// <summary>Images per batch.</summary>
    public int BatchSize { get; } = batchSize;
    /// <summary>How batches are brought to model space.</summary>
    public ImageTransform Transform { get; } = transform;

    /// <inheritdoc/>
    public int BatchesPerEpoch => dropLast ? Set.Count / BatchSize : (Set.Count + BatchSize - 1) / BatchSize;

    /// <summary>The order of the images in epoch <paramref name="epoch"/> (a permutation fixed by seed and epoch; identity without shuffling).</summary>
    public Tensor Order(int epoch)
    {
        if (!shuffle) return arange(Set.Count, dtype: ScalarType.Int64);
        using var g = new Generator((ulong)(seed * 1_000_003 + epoch));
        return randperm(Set.Count, generator: g);
    }

    /// <summary>The full batches of epoch <paramref name="epoch"/>, after skipping <paramref name="skipBatches"/> (a resumed run).</summary>
    public IEnumerable<Batch> Epoch(int epoch, int skipBatches = 0)
    {
        // Detached: a caller may pull batches from inside its own per-step dispose scope.
        using var order = Order(epoch).DetachFromDisposeScope();
        for (int b = skipBatches; b < BatchesPerEpoch; b++)
        {
            int start = b * BatchSize, size = Math.Min(BatchSize, Set.Count - start);
            Batch batch;
            using (var idx = order.narrow(0, start, size)) batch = Take(idx);
            yield return batch;
        }
    }

    /// <summary>An endless stream over epochs (for the target domain in domain adaptation, which is shorter or longer than the source).</summary>
    public IEnumerable<Batch> Forever(int firstEpoch = 0)
    {
        for (int e = firstEpoch; ; e++)
            foreach (var b in Epoch(e)) yield return b;
    }

    /// <summary>The batch of the images at <paramref name="index"/>, in model space on the current device.</summary>
    public Batch Take(Tensor index)
    {
        using var raw = Set.TakeRows(index);
        return new Batch(Transform.Apply(raw), Set.Labels?.index_select(0, index).ToDevice(), Set.Attributes?.index_select(0, index).ToDevice());
    }
}
