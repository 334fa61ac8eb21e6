using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Data;

/// <summary>
/// A decoded, in-memory labelled image set: uint8 pixels [N,C,H,W] plus either class labels (int64 [N])
/// or binary attributes (float32 [N,A], values 0/1). Every dataset of every problem ends up as one of these,
/// so decoding happens once and every epoch afterwards only indexes this cache.
/// </summary>
public sealed class ImageSet : IDisposable
{
    public string Name { get; }
    public Tensor Images { get; }
    public Tensor? Labels { get; }
    public Tensor? Attributes { get; }
    public IReadOnlyList<string> AttributeNames { get; }
    public int NumClasses { get; }

    public ImageSet(string name, Tensor images, Tensor? labels, int numClasses = 10,
                    Tensor? attributes = null, IReadOnlyList<string>? attributeNames = null)
    {
        if (images.dtype != ScalarType.Byte || images.dim() != 4)
            throw new ArgumentException($"{name}: images must be uint8 [N,C,H,W], got {images.dtype} {string.Join('x', images.shape)}");
        if (labels is not null && labels.shape[0] != images.shape[0])
            throw new ArgumentException($"{name}: {images.shape[0]} images but {labels.shape[0]} labels");
        if (attributes is not null && attributes.shape[0] != images.shape[0])
            throw new ArgumentException($"{name}: {images.shape[0]} images but {attributes.shape[0]} attribute rows");
        Name = name;
        Images = images;
        Labels = labels;
        Attributes = attributes;
        AttributeNames = attributeNames ?? [];
        NumClasses = numClasses;
    }

    public int Count => (int)Images.shape[0];
    public int Channels => (int)Images.shape[1];
    public int Height => (int)Images.shape[2];
    public int Width => (int)Images.shape[3];
    public long SizeInBytes => Images.NumberOfElements;

    /// <summary>Rows [start, start+count) as a new set sharing no storage with this one.</summary>
    public ImageSet Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"{Name}: slice {start}+{count} outside {Count} images");
        return new ImageSet(Name, Images.narrow(0, start, count).clone(), Labels?.narrow(0, start, count).clone(), NumClasses,
                            Attributes?.narrow(0, start, count).clone(), AttributeNames);
    }

    /// <summary>The first <paramref name="limit"/> images (all of them when limit is null or larger).</summary>
    public ImageSet Take(int? limit) => limit is int n && n < Count ? Slice(0, n) : this;

    /// <summary>Selected rows, in the given order.</summary>
    public ImageSet Select(Tensor index) =>
        new(Name, Images.index_select(0, index), Labels?.index_select(0, index), NumClasses,
            Attributes?.index_select(0, index), AttributeNames);

    /// <summary>
    /// Splits off a held-out part, the same rows for the same seed: returns (rest, heldOut).
    /// Used where a dataset ships only one split and we need data the model never trains on.
    /// </summary>
    public (ImageSet Remaining, ImageSet HeldOut) SplitOff(double fraction, long seed)
    {
        if (fraction <= 0 || fraction >= 1) throw new AdversaException($"held-out fraction must be in (0,1), got {fraction}");
        using var g = new Generator((ulong)seed);
        using var perm = randperm(Count, generator: g);
        int held = Math.Max(1, (int)Math.Round(Count * fraction));
        using var heldIdx = perm.narrow(0, 0, held).sort().Values;
        using var restIdx = perm.narrow(0, held, Count - held).sort().Values;
        return (Select(restIdx), Select(heldIdx));
    }

    /// <summary>Index of a named attribute column; a clear error lists the ones that exist.</summary>
    public int AttributeIndex(string attribute)
    {
        for (int i = 0; i < AttributeNames.Count; i++)
            if (string.Equals(AttributeNames[i], attribute, StringComparison.OrdinalIgnoreCase)) return i;
        throw new AdversaException($"{Name} has no attribute '{attribute}'; it has: {string.Join(", ", AttributeNames)}");
    }

    public long[] ClassCounts()
    {
        if (Labels is null) return [];
        using var counts = bincount(Labels, minlength: NumClasses);
        return counts.data<long>().ToArray();
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels?.Dispose();
        Attributes?.Dispose();
    }
}
