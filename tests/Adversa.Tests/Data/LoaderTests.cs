using Adversa.Data;
using Adversa.Data.Synthetic;
using static TorchSharp.torch;

using static Adversa.Tests.Fixtures.TensorAssert;

namespace Adversa.Tests.Data;

public class LoaderTests
{
    [Fact]
    public void ShufflingIsFixedBySeedAndEpochAndCoversEveryImage()
    {
        using var set = SynthDigits.Generate(DigitStyle.Svhn, 100, seed: 1);
        var transform = new ImageTransform(32, 3, Normalization.MinusOneToOne);
        var a = new DataLoader(set, 10, transform, seed: 7);
        var b = new DataLoader(set, 10, transform, seed: 7);
        using var oa = a.Order(0);
        using var ob = b.Order(0);
        using var o1 = a.Order(1);
        Assert.True(Same(oa, ob));
        Assert.False(Same(oa, o1));
        using var sorted = oa.sort().Values;
        Assert.True(Same(sorted, arange(100)));
    }

    [Fact]
    public void SkippingBatchesResumesTheSameSequence()
    {
        using var set = SynthDigits.Generate(DigitStyle.Svhn, 40, seed: 1);
        var loader = new DataLoader(set, 8, new ImageTransform(32, 3, Normalization.ZeroToOne), seed: 3);
        var all = loader.Epoch(2).Select(b => b.Labels!.data<long>().ToArray()).ToList();
        var resumed = loader.Epoch(2, skipBatches: 3).Select(b => b.Labels!.data<long>().ToArray()).ToList();
        Assert.Equal(5, all.Count);
        Assert.Equal(all.Skip(3), resumed);
    }

    [Fact]
    public void TransformResizesExpandsChannelsAndNormalises()
    {
        using var grey = full([2, 1, 16, 16], 255, dtype: ScalarType.Byte);
        var t = new ImageTransform(32, 3, Normalization.MinusOneToOne);
        using var x = t.Apply(grey);
        Assert.Equal(new long[] { 2, 3, 32, 32 }, x.shape);
        Assert.Equal(1.0, x.max().item<float>(), 5);
        Assert.Equal(1.0, x.min().item<float>(), 5);
        using var back = t.ToBytes(x);
        Assert.Equal(255, back.min().item<byte>());
    }

    [Fact]
    public void CaffeBgrSwapsChannelsAndSubtractsMeans()
    {
        using var img = zeros([1, 3, 2, 2], dtype: ScalarType.Byte);
        img[0, 0] = tensor((byte)200); // red
        using var x = new ImageTransform(2, 3, Normalization.CaffeBgr).Apply(img);
        Assert.Equal(200 - 123.15, x[0, 2, 0, 0].item<float>(), 3); // red is the last channel in BGR
        Assert.Equal(-103.06, x[0, 0, 0, 0].item<float>(), 3);
    }

    [Fact]
    public void SplitOffIsDisjointAndStable()
    {
        using var set = SynthDigits.Generate(DigitStyle.Svhn, 500, seed: 1);
        var (rest, held) = set.SplitOff(0.2, seed: 9);
        var (rest2, held2) = set.SplitOff(0.2, seed: 9);
        Assert.Equal(500, rest.Count + held.Count);
        Assert.InRange(held.Count, 70, 130); // 100 expected, binomial sd 9
        Assert.True(Same(held.Images, held2.Images));
        Assert.True(Same(rest.Images, rest2.Images));
        // Disjoint: no held-out image is in the rest (synthetic digits are all distinct).
        var restRows = Enumerable.Range(0, rest.Count).Select(i => Convert.ToBase64String(rest.Images[i].data<byte>().ToArray())).ToHashSet();
        Assert.DoesNotContain(Enumerable.Range(0, held.Count), i => restRows.Contains(Convert.ToBase64String(held.Images[i].data<byte>().ToArray())));
    }

    [Fact]
    public void SplitOffInPlaceGivesTheSameRowsAsSplitOff()
    {
        // Small held-out fractions leave long runs of kept rows (blocks that overlap their destination), large ones
        // short runs: both paths of the in-place compaction.
        foreach (var fraction in new[] { 0.05, 0.5 })
        {
            using var set = SynthDigits.Generate(DigitStyle.Svhn, 400, seed: 3);
            var (rest, held) = set.SplitOff(fraction, seed: 2024);
            using var consumed = SynthDigits.Generate(DigitStyle.Svhn, 400, seed: 3);
            var (rest2, held2) = consumed.SplitOffInPlace(fraction, seed: 2024);
            consumed.Dispose();
            Assert.True(Same(rest.Images, rest2.Images), $"remaining images differ at fraction {fraction}");
            Assert.True(Same(rest.Labels!, rest2.Labels!));
            Assert.True(Same(held.Images, held2.Images));
            Assert.True(Same(held.Labels!, held2.Labels!));
        }
    }

    [Fact]
    public void ASetMovedToDiskReadsBackTheSameRowsAndBatches()
    {
        using var dir = new Adversa.Tests.Fixtures.TempDir();
        using var memory = SynthDigits.Generate(DigitStyle.MnistM, 300, seed: 8);
        var spilled = SynthDigits.Generate(DigitStyle.MnistM, 300, seed: 8).MoveToDisk(dir.Path);
        using (spilled)
        {
            Assert.True(spilled.OnDisk);
            Assert.Equal((memory.Count, memory.Channels, memory.Height, memory.Width, memory.SizeInBytes),
                         (spilled.Count, spilled.Channels, spilled.Height, spilled.Width, spilled.SizeInBytes));
            Assert.True(Same(memory.Labels!, spilled.Labels!));
            using (var a = spilled.Rows(17, 40)) Assert.True(Same(memory.Images.narrow(0, 17, 40), a));
            using var index = tensor(new long[] { 299, 0, 5, 5, 123 });
            using (var b = spilled.TakeRows(index)) Assert.True(Same(memory.Images.index_select(0, index), b));
            // A whole shuffled epoch through the loader is identical either way.
            var transform = new ImageTransform(32, 3, Normalization.MinusOneToOne);
            var fromMemory = new DataLoader(memory, 64, transform, seed: 3).Epoch(1).ToList();
            var fromDisk = new DataLoader(spilled, 64, transform, seed: 3).Epoch(1).ToList();
            Assert.Equal(fromMemory.Count, fromDisk.Count);
            for (int i = 0; i < fromMemory.Count; i++)
            {
                Assert.True(Same(fromMemory[i].Images, fromDisk[i].Images));
                Assert.True(Same(fromMemory[i].Labels!, fromDisk[i].Labels!));
            }
            var e = Assert.Throws<InvalidOperationException>(() => spilled.Images);
            Assert.Contains("moved to disk", e.Message);
            using var outOfRange = tensor(new long[] { 300 });
            Assert.Throws<ArgumentOutOfRangeException>(() => spilled.TakeRows(outOfRange));
        }
        // The temporary file is unlinked at once (Linux, macOS) or deleted on dispose (Windows): nothing is left.
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void SplitOffOfAPrefixHoldsOutTheSameRows()
    {
        // What keeps MNIST -> MNIST-M honest: MNIST-M image i is MNIST digit i, and the two sets differ in size;
        // row i must be held out in both or in neither.
        using var set = SynthDigits.Generate(DigitStyle.Svhn, 300, seed: 2);
        using var prefix = set.Select(arange(0, 240, dtype: ScalarType.Int64));
        var (_, heldAll) = set.SplitOff(0.1, seed: 2024);
        var (_, heldPrefix) = prefix.SplitOff(0.1, seed: 2024);
        Assert.True(heldPrefix.Count > 0);
        Assert.True(Same(heldPrefix.Images, heldAll.Images.narrow(0, 0, heldPrefix.Count)));
    }
}
