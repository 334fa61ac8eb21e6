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
        using var set = SynthDigits.Generate(DigitStyle.Svhn, 50, seed: 1);
        var (rest, held) = set.SplitOff(0.2, seed: 9);
        var (rest2, held2) = set.SplitOff(0.2, seed: 9);
        Assert.Equal(40, rest.Count);
        Assert.Equal(10, held.Count);
        Assert.True(Same(held.Images, held2.Images));
        Assert.True(Same(rest.Images, rest2.Images));
    }
}
