using Adversa.Data;
using static TorchSharp.torch;

namespace Adversa.Tests.Data;

public class AugmentTests
{
    [Fact]
    public void IntensityFlipInvertsWholeChannelsAtRandom()
    {
        manual_seed(3);
        var x = rand([64, 3, 4, 4]) * 2 - 1;
        var y = Augment.IntensityFlip(x);
        // Per image and channel, the ratio y/x is one constant, +1 or -1.
        var ratio = (y / x).flatten(2);
        Assert.True((ratio - ratio.narrow(2, 0, 1)).abs().max().item<float>() < 1e-6);
        var signs = ratio.select(2, 0);
        Assert.True((signs.abs() - 1).abs().max().item<float>() < 1e-6);
        double flipped = signs.lt(0).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(flipped, 0.35, 0.65); // 192 fair coins
    }

    [Fact]
    public void ColorJitterIsAnAffineMapPerChannelThatKeepsValuesInRange()
    {
        manual_seed(5);
        var x = rand([128, 3, 4, 4]) * 2 - 1;
        x[TensorIndex.Colon, TensorIndex.Colon, 0, 0] = tensor(-1f);
        x[TensorIndex.Colon, TensorIndex.Colon, 0, 1] = tensor(1f);
        var y = Augment.ColorJitter(x);
        // Read each channel's slope and offset off the two pixels pinned at -1 and +1, then check every pixel.
        var a = ((y[TensorIndex.Colon, TensorIndex.Colon, 0, 1] - y[TensorIndex.Colon, TensorIndex.Colon, 0, 0]) / 2).view(128, 3, 1, 1);
        var b = ((y[TensorIndex.Colon, TensorIndex.Colon, 0, 1] + y[TensorIndex.Colon, TensorIndex.Colon, 0, 0]) / 2).view(128, 3, 1, 1);
        Assert.True((y - (a * x + b)).abs().max().item<float>() < 1e-5);
        Assert.InRange(a.abs().min().item<float>(), 0.25f - 1e-5f, 1f);
        Assert.True(a.abs().max().item<float>() <= 1f + 1e-5f);
        Assert.True((b.abs() + a.abs()).max().item<float>() <= 1f + 1e-5f); // so y stays in [-1, 1]
        Assert.InRange(a.lt(0).to_type(ScalarType.Float32).mean().item<float>(), 0.4, 0.6); // 384 fair coins
        Assert.True(b.abs().max().item<float>() > 0.2); // offsets do vary
    }

    [Fact]
    public void MatrixUpsamplingEqualsBilinearInterpolation()
    {
        manual_seed(2);
        foreach (int k in new[] { 2, 4, 16 })
        {
            var grid = rand(3, 2, k, k);
            var expected = TorchSharp.torch.nn.functional.interpolate(grid, [32, 28], mode: InterpolationMode.Bilinear, align_corners: true);
            Assert.True((Augment.Upsample(grid, 32, 28) - expected).abs().max().item<float>() < 1e-5, $"k = {k}");
        }
    }

    [Fact]
    public void TextureBlendPutsDigitsOnTexturesAsMnistMWasMade()
    {
        var black = full([256, 3, 8, 8], -1f);
        var white = full([256, 3, 8, 8], 1f);
        // Probability 0: nothing changes.
        Assert.Equal(0f, (Augment.TextureBlend(white, 0) - white).abs().max().item<float>());
        // Probability 1, same draws: on black (no ink) the image is the texture t, on white ink it is 1 - t ([0, 1] scale).
        manual_seed(9);
        var onBlack = Augment.TextureBlend(black, 1);
        manual_seed(9);
        var onWhite = Augment.TextureBlend(white, 1);
        Assert.True((onBlack + onWhite).abs().max().item<float>() < 1e-5);
        Assert.True(onBlack.min().item<float>() >= -1 - 1e-6 && onBlack.max().item<float>() <= 1 + 1e-6);
        // The texture varies across pixels and differs between channels.
        Assert.True(onBlack.std([2, 3]).mean().item<float>() > 0.05);
        Assert.True((onBlack.select(1, 0) - onBlack.select(1, 1)).abs().mean().item<float>() > 0.1);
        // Probability 1/2: about half the images are blended, the rest pass through unchanged.
        manual_seed(10);
        var half = Augment.TextureBlend(black, 0.5);
        double kept = half.eq(-1f).flatten(1).all(1).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(kept, 0.4, 0.6); // 256 fair coins
    }

    [Fact]
    public void RandomAffineIsNearTheIdentityAndMovesPixelsByAtMostAFewPixels()
    {
        manual_seed(4);
        // A single bright pixel in the middle of a dark 32x32 image: the warp keeps it near the middle.
        var x = full([64, 3, 32, 32], -1f);
        x[TensorIndex.Colon, TensorIndex.Colon, 16, 16] = tensor(1f);
        x[TensorIndex.Colon, TensorIndex.Colon, 15, 16] = tensor(1f);
        x[TensorIndex.Colon, TensorIndex.Colon, 16, 15] = tensor(1f);
        x[TensorIndex.Colon, TensorIndex.Colon, 15, 15] = tensor(1f);
        var y = Augment.RandomAffine(x, affineStd: 0, shiftPixels: 2);
        Assert.Equal(x.shape, y.shape);
        Assert.True(y.min().item<float>() >= -1 - 1e-5 && y.max().item<float>() <= 1 + 1e-5); // bilinear: no overshoot
        // Pure shifts of up to 2 px: the bright blob's centre of mass moves by at most 2 px in each direction.
        var w = (y[TensorIndex.Colon, 0] + 1).flatten(1);
        var coords = arange(32).to_type(ScalarType.Float32);
        var cy = (w * coords.repeat_interleave(32)).sum(1) / w.sum(1);
        var cx = (w * coords.repeat(32)).sum(1) / w.sum(1);
        Assert.True((cy - 15.5).abs().max().item<float>() <= 2.01);
        Assert.True((cx - 15.5).abs().max().item<float>() <= 2.01);
        Assert.True((cx - 15.5).abs().max().item<float>() > 0.5); // the shifts do vary
        // No warp at all: the identity.
        Assert.True((Augment.RandomAffine(x, affineStd: 0, shiftPixels: 0) - x).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void RandomShiftMovesEachImageByWholePixelsAndRepeatsTheEdge()
    {
        manual_seed(12);
        // Image i holds value 10 * row + column in every channel: a shift by (dy, dx) turns pixel (r, c) into the
        // value of (clamp(r - dy), clamp(c - dx)), one (dy, dx) per image, within ±2.
        var grid = (arange(8).view(8, 1) * 10 + arange(8).view(1, 8)).to_type(ScalarType.Float32);
        var x = grid.expand(16, 3, 8, 8).contiguous();
        var y = Augment.RandomShift(x, 2);
        for (int i = 0; i < 16; i++)
        {
            float centre = y[i, 0, 4, 4].item<float>();
            int dy = 4 - (int)(centre / 10), dx = 4 - (int)(centre % 10);
            Assert.InRange(dy, -2, 2);
            Assert.InRange(dx, -2, 2);
            for (int r = 0; r < 8; r++)
                for (int c = 0; c < 8; c++)
                    Assert.Equal(10 * Math.Clamp(r - dy, 0, 7) + Math.Clamp(c - dx, 0, 7), y[i, 2, r, c].item<float>());
        }
        Assert.True((y - x).abs().sum().item<float>() > 0); // some image did move
    }

    [Fact]
    public void ConsistencyViewsOfOneBatchDifferAndKeepTheImageMostly()
    {
        manual_seed(8);
        var x = rand([32, 3, 16, 16]) * 2 - 1;
        var a = Augment.Consistency(x);
        var b = Augment.Consistency(x);
        Assert.True((a - b).abs().mean().item<float>() > 0.05);
        Assert.Equal(0.1, (Augment.GaussianNoise(zeros(100_000), 0.1)).std().item<float>(), 2);
        Assert.Same(x, Augment.GaussianNoise(x, 0));
    }

    [Fact]
    public void TheStrongViewChangesColourAndShapeFarMoreThanTheWeakOne()
    {
        manual_seed(9);
        // Flat colour images: shifts and warps leave them as they are, so what moves them is colour (and the noise both views add).
        var x = (rand([64, 3, 1, 1]) * 2 - 1).expand(64, 3, 16, 16).contiguous();
        var strong = Augment.Strong(x);
        Assert.Equal(x.shape, strong.shape);
        // Colour jitter inverts about half the channels: the strong view is far from the image, the weak one (noise only here) near it.
        double strongDistance = (strong - x).abs().mean().item<float>(), weakDistance = (Augment.Consistency(x) - x).abs().mean().item<float>();
        Assert.True(strongDistance > 2 * weakDistance, $"strong {strongDistance}, weak {weakDistance}");
        manual_seed(9);
        var again = Augment.Strong((rand([64, 3, 1, 1]) * 2 - 1).expand(64, 3, 16, 16).contiguous());
        Assert.Equal(0, (again - strong).abs().max().item<float>()); // drawn from the global generator: a seed repeats it
    }
}
