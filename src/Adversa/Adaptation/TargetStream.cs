using Adversa.Data;
using static TorchSharp.torch;

namespace Adversa.Adaptation;

/// <summary>
/// The unlabelled target batches that pair with the labelled ones, step by step: training step s (0-based, over the
/// whole run) takes batch s mod B of the target's epoch s div B in the loader's seeded orders (B its batches per
/// epoch). A pure function of the step, so a resumed run sees the same pairs; used by DANN, the mean teacher and the
/// improved UDA model (which takes the indices to read its cached features).
/// </summary>
public sealed class TargetStream(DataLoader loader) : IDisposable
{
    (int Epoch, Tensor Order)? _order;

    /// <summary>The loader of the target's unlabelled training images.</summary>
    public DataLoader Loader => loader;

    /// <summary>The target rows of step <paramref name="step"/> (a new tensor; dispose it).</summary>
    public Tensor Indices(long step)
    {
        int perEpoch = loader.BatchesPerEpoch;
        int epoch = (int)(step / perEpoch), b = (int)(step % perEpoch);
        if (_order?.Epoch != epoch)
        {
            _order?.Order.Dispose();
            _order = (epoch, loader.Order(epoch).DetachFromDisposeScope());
        }
        return _order.Value.Order.narrow(0, (long)b * loader.BatchSize, loader.BatchSize);
    }

    /// <summary>The model-ready target batch of step <paramref name="step"/>.</summary>
    public Batch At(long step)
    {
        using var idx = Indices(step);
        return loader.Take(idx);
    }

    /// <inheritdoc/>
    public void Dispose() => _order?.Order.Dispose();
}
