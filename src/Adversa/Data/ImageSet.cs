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
    readonly Tensor? _images;
    readonly DiskRows? _disk;
    readonly long[] _shape;

    /// <summary>Name of the dataset (and split) the images came from.</summary>
    public string Name { get; }

    /// <summary>All pixels, uint8 [N,C,H,W]; for a set moved to disk (<see cref="MoveToDisk"/>) use <see cref="Rows"/> and <see cref="TakeRows"/>.</summary>
    public Tensor Images => _images ?? throw new InvalidOperationException($"{Name}: the images were moved to disk; read them with Rows or TakeRows");

    /// <summary>Whether the pixels live in a temporary file rather than in memory.</summary>
    public bool OnDisk => _disk is not null;
    /// <summary>Class labels [N] (int64), or null.</summary>
    public Tensor? Labels { get; }
    /// <summary>Binary attributes [N, A] (float 0/1), or null.</summary>
    public Tensor? Attributes { get; }
    /// <summary>Names of the attribute columns.</summary>
    public IReadOnlyList<string> AttributeNames { get; }
    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>A set of uint8 images [N, C, H, W] with optional labels and attributes.</summary>
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
        _images = images;
        _shape = images.shape;
        Labels = labels;
        Attributes = attributes;
        AttributeNames = attributeNames ?? [];
        NumClasses = numClasses;
    }

    ImageSet(string name, DiskRows disk, Tensor? labels, int numClasses, Tensor? attributes, IReadOnlyList<string> attributeNames)
    {
        Name = name;
        _disk = disk;
        _shape = disk.Shape;
        Labels = labels;
        Attributes = attributes;
        AttributeNames = attributeNames;
        NumClasses = numClasses;
    }

    /// <summary>Number of images.</summary>
    public int Count => (int)_shape[0];
    /// <summary>Channels per image.</summary>
    public int Channels => (int)_shape[1];
    /// <summary>Image height.</summary>
    public int Height => (int)_shape[2];
    /// <summary>Image width.</summary>
    public int Width => (int)_shape[3];
    /// <summary>Bytes of pixels.</summary>
    public long SizeInBytes => _shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Rows [start, start+count) of the pixels (a view when in memory, a fresh tensor when on disk).</summary>
    public Tensor Rows(int start, int count) => _disk?.Rows(start, count) ?? Images.narrow(0, start, count);

    /// <summary>The pixels of the rows named by <paramref name="index"/> (int64), in that order.</summary>
    public Tensor TakeRows(Tensor index) => _disk?.Take(index) ?? Images.index_select(0, index);

    /// <summary>
    /// The same set with its pixels in a temporary file (<see cref="DiskRows"/>) instead of memory: resident memory
    /// drops by <see cref="SizeInBytes"/> and batches are read back without decoding. This set is consumed (its
    /// memory is freed; use only the returned one). Splitting and slicing need the in-memory form, so this is the
    /// last step of loading.
    /// </summary>
    public ImageSet MoveToDisk(string? directory = null)
    {
        if (_disk is not null) return this;
        var disk = DiskRows.Write(Images, directory);
        var moved = new ImageSet(Name, disk, Labels?.clone(), NumClasses, Attributes?.clone(), AttributeNames);
        Dispose();
        return moved;
    }

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
    /// Splits off a held-out part, the same rows for the same seed: returns (rest, heldOut). Used where a dataset
    /// ships only one split and we need data the model never trains on. Row i is held out when a seeded hash of i
    /// falls below <paramref name="fraction"/>, so the choice of a row does not depend on the set's size: a
    /// <c>--limit</c> run holds out a subset of the full run's rows, and two datasets aligned by index (MNIST-M
    /// image i is MNIST train digit i re-coloured) hold out the same digits, so a model trained on MNIST's rest
    /// has never seen the digits of MNIST-M's held-out part. The held-out size is fraction x count up to sampling
    /// noise (at least one row each side).
    /// </summary>
    public (ImageSet Remaining, ImageSet HeldOut) SplitOff(double fraction, long seed)
    {
        var (held, rest) = SplitRows(fraction, seed);
        using var heldIdx = tensor(held);
        using var restIdx = tensor(rest);
        return (Select(restIdx), Select(heldIdx));
    }

    /// <summary>
    /// <see cref="SplitOff"/> without a second copy of the images: the held-out rows are copied out, then the
    /// remaining rows are moved down inside this set's own buffer, which the returned remaining part keeps as a
    /// view. Peak memory is the set plus its held-out part instead of twice the set (MNIST-M: 135 MB less).
    /// This set is consumed: dispose it and use only the returned parts.
    /// </summary>
    public (ImageSet Remaining, ImageSet HeldOut) SplitOffInPlace(double fraction, long seed)
    {
        var (held, rest) = SplitRows(fraction, seed);
        ImageSet heldOut;
        using (var heldIdx = tensor(held)) heldOut = Select(heldIdx);
        using var restIdx = tensor(rest);
        var labels = Labels?.index_select(0, restIdx);
        var attributes = Attributes?.index_select(0, restIdx);
        using (no_grad())
        {
            // Runs of consecutive kept rows move down as blocks (dst <= src always, so nothing unread is overwritten);
            // a block overlapping its destination goes through a copy, as copy_ refuses overlapping memory.
            long dst = 0;
            for (int r = 0; r < rest.Length;)
            {
                int end = r + 1;
                while (end < rest.Length && rest[end] == rest[end - 1] + 1) end++;
                long src = rest[r], length = end - r;
                if (src != dst)
                {
                    using var scope = NewDisposeScope();
                    var block = Images.narrow(0, src, length);
                    Images.narrow(0, dst, length).copy_(src - dst < length ? block.clone() : block);
                }
                dst += length;
                r = end;
            }
        }
        var remaining = new ImageSet(Name, Images.narrow(0, 0, rest.Length), labels, NumClasses, attributes, AttributeNames);
        return (remaining, heldOut);
    }

    /// <summary>Held-out and remaining row indices, both ascending.</summary>
    (long[] Held, long[] Kept) SplitRows(double fraction, long seed)
    {
        if (fraction <= 0 || fraction >= 1) throw new AdversaException($"held-out fraction must be in (0,1), got {fraction}");
        if (Count < 2) throw new AdversaException($"{Name}: {Count} image(s) cannot be split into a training and a held-out part");
        var u = Enumerable.Range(0, Count).Select(i => Common.StableHash.Unit(seed, i)).ToArray();
        var held = Enumerable.Range(0, Count).Where(i => u[i] < fraction).Select(i => (long)i).ToList();
        if (held.Count == 0) held.Add(Array.IndexOf(u, u.Min()));
        if (held.Count == Count) held.Remove(Array.IndexOf(u, u.Max()));
        held.Sort();
        var heldSet = held.ToHashSet();
        var rest = Enumerable.Range(0, Count).Select(i => (long)i).Where(i => !heldSet.Contains(i)).ToArray();
        return (held.ToArray(), rest);
    }

    /// <summary>Index of a named attribute column; a clear error lists the ones that exist.</summary>
    public int AttributeIndex(string attribute)
    {
        for (int i = 0; i < AttributeNames.Count; i++)
            if (string.Equals(AttributeNames[i], attribute, StringComparison.OrdinalIgnoreCase)) return i;
        throw new AdversaException($"{Name} has no attribute '{attribute}'; it has: {string.Join(", ", AttributeNames)}");
    }

    /// <summary>Images per class, 0 to <see cref="NumClasses"/> - 1.</summary>
    public long[] ClassCounts()
    {
        if (Labels is null) return [];
        using var counts = bincount(Labels, minlength: NumClasses);
        return counts.data<long>().ToArray();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _images?.Dispose();
        _disk?.Dispose();
        Labels?.Dispose();
        Attributes?.Dispose();
    }
}
