using Adversa.Metrics;
using static TorchSharp.torch;

namespace Adversa.Tests.Metrics;

public class FidTests
{
    [Fact]
    public void IdenticalSetsScoreZero()
    {
        manual_seed(1);
        using var x = randn(400, 16, dtype: ScalarType.Float64);
        Assert.InRange(Fid.Frechet(x, x), 0, 1e-6);
        // KID is an unbiased estimate: around zero for the same distribution, small next to a real shift.
        var same = Fid.Kid(x, x, subsets: 20, subsetSize: 200);
        using var shifted = x + 0.5;
        var moved = Fid.Kid(shifted, x, subsets: 20, subsetSize: 200);
        Assert.True(Math.Abs(same.Mean) < moved.Mean / 10, $"KID same {same.Mean} vs shifted {moved.Mean}");
    }

    [Fact]
    public void MatchesTheClosedFormForDiagonalGaussians()
    {
        // N(0, I) vs N(m, 4I) in d dims: FID = |m|^2 + d (1 + 4 - 2*2) = |m|^2 + d.
        manual_seed(2);
        int d = 8, n = 40_000;
        using var a = randn(n, d, dtype: ScalarType.Float64);
        using var b = randn(n, d, dtype: ScalarType.Float64) * 2 + 0.5;
        double expected = d * 0.25 + d;
        Assert.InRange(Fid.Frechet(a, b), expected * 0.95, expected * 1.05);
    }

    [Fact]
    public void ScoresGrowWithTheShift()
    {
        manual_seed(3);
        using var real = randn(600, 32, dtype: ScalarType.Float64);
        using var other = randn(600, 32, dtype: ScalarType.Float64);
        double previousFid = Fid.Frechet(other, real), previousKid = Fid.Kid(other, real, subsets: 10, subsetSize: 300).Mean;
        foreach (var shift in new[] { 0.3, 0.8, 1.5 })
        {
            using var shifted = other + shift;
            double fid = Fid.Frechet(shifted, real), kid = Fid.Kid(shifted, real, subsets: 10, subsetSize: 300).Mean;
            Assert.True(fid > previousFid, $"FID at shift {shift}: {fid} <= {previousFid}");
            Assert.True(kid > previousKid, $"KID at shift {shift}: {kid} <= {previousKid}");
            (previousFid, previousKid) = (fid, kid);
        }
    }

    [Fact]
    public void RankDeficientSmallSamplesDoNotBreakTheSolver()
    {
        // 10 samples of 512-d features, several rows repeated: the covariances are singular with many equal eigenvalues.
        manual_seed(4);
        using var a = randn(10, 512, dtype: ScalarType.Float64);
        a[TensorIndex.Slice(5, 10)] = a[TensorIndex.Slice(0, 5)];
        using var b = randn(10, 512, dtype: ScalarType.Float64) + 0.5;
        double same = Fid.Frechet(a, a), shifted = Fid.Frechet(a, b);
        Assert.True(same < 1e-6 * shifted, $"FID(a,a) {same} vs FID(a,b) {shifted}");
    }

    [Fact]
    public void TheBlurReferenceAveragesEachPixelWithItsEightNeighbours()
    {
        using var images = full([1, 3, 7, 7], 90, dtype: ScalarType.Byte);
        images[0, 1, 3, 3] = tensor((byte)180);
        using var blurred = FidDamage.Blur(images, 3);
        Assert.Equal(ScalarType.Byte, blurred.dtype);
        Assert.Equal(100, blurred[0, 1, 3, 3].item<byte>()); // (8 * 90 + 180) / 9
        Assert.Equal(100, blurred[0, 1, 2, 4].item<byte>()); // a neighbour gets the same share
        Assert.Equal(90, blurred[0, 1, 0, 0].item<byte>());  // far away and at the edge: unchanged
        Assert.Equal(90, blurred[0, 0, 3, 3].item<byte>());  // other channels untouched
    }

    [Fact]
    public void TheBlotchReferenceVariesSlowlyAcrossTheImageWithTheAskedSpread()
    {
        using var images = full([64, 3, 64, 64], 128, dtype: ScalarType.Byte);
        using var g = new Generator(3);
        using var blotched = FidDamage.Blotches(images, 16, g).to_type(ScalarType.Float32) - 128;
        double std = blotched.std().item<float>();
        Assert.InRange(std, 8, 16); // bilinear upsampling of std-16 noise shrinks it between the grid points
        // Slow: neighbouring pixels differ by far less than the spread itself.
        double step = (blotched[.., .., .., 1..] - blotched[.., .., .., ..^1]).abs().mean().item<float>();
        Assert.True(step < std / 5, $"neighbour difference {step} against std {std}");
    }
}
