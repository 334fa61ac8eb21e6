using Adversa.Common;
using Adversa.Gan;
using static TorchSharp.torch;

namespace Adversa.Tests.Gan;

public class DiffAugmentTests
{
    [Fact]
    public void ParseKeepsTheFixedOrderAndRefusesUnknownPolicies()
    {
        Assert.Empty(DiffAugment.Parse("none"));
        Assert.Empty(DiffAugment.Parse(""));
        Assert.Equal(["color", "translation", "cutout"], DiffAugment.Parse("cutout, color,translation,color"));
        var e = Assert.Throws<AdversaException>(() => DiffAugment.Parse("color,flip"));
        Assert.Contains("'flip'", e.Message);
        Assert.False(DiffAugment.IsValid("colour"));
        Assert.True(DiffAugment.IsValid("translation"));
    }

    [Fact]
    public void TranslationShiftsWholeImagesAndFillsTheGapWithZeros()
    {
        manual_seed(11);
        // Each image holds distinct positive values, so the shift can be read back from where its first pixel went.
        var x = (arange(64 * 16 * 16).to_type(ScalarType.Float32).view(64, 1, 16, 16) + 1);
        var y = DiffAugment.Translation(x, 0.125);
        int seenShifts = 0;
        var shifts = new HashSet<(int, int)>();
        for (int i = 0; i < 64; i++)
        {
            var img = x[i, 0];
            var outImg = y[i, 0];
            (int dy, int dx)? found = null;
            for (int dy = -2; dy <= 2 && found is null; dy++)
                for (int dx = -2; dx <= 2 && found is null; dx++)
                {
                    var expected = zeros(16, 16);
                    int r0 = Math.Max(0, dy), r1 = Math.Min(16, 16 + dy), c0 = Math.Max(0, dx), c1 = Math.Min(16, 16 + dx);
                    expected[TensorIndex.Slice(r0, r1), TensorIndex.Slice(c0, c1)] = img[TensorIndex.Slice(r0 - dy, r1 - dy), TensorIndex.Slice(c0 - dx, c1 - dx)];
                    if (outImg.eq(expected).all().item<bool>()) found = (dy, dx);
                }
            Assert.NotNull(found); // a whole shift of at most 1/8 of 16 = 2 pixels, zeros in the gap
            shifts.Add(found.Value);
            seenShifts++;
        }
        Assert.Equal(64, seenShifts);
        Assert.True(shifts.Count > 10); // 25 possible shifts, drawn per image
    }

    [Fact]
    public void CutoutZeroesOneSquareOfHalfTheSidePerImage()
    {
        manual_seed(12);
        var x = ones(200, 3, 8, 8);
        var y = DiffAugment.Cutout(x, 0.5);
        var zeroed = y.eq(0);
        // Every channel of an image is cut alike, the cut is a rectangle of at most 4x4, and at least 2x2 (its centre lies inside the image).
        Assert.True(zeroed.select(1, 0).eq(zeroed.select(1, 2)).all().item<bool>());
        var counts = zeroed.select(1, 0).sum([1, 2]);
        Assert.InRange(counts.min().item<long>(), 4, 16);
        Assert.Equal(16, counts.max().item<long>());
        Assert.True(y.ne(0).logical_and(y.ne(1)).sum().item<long>() == 0);
    }

    [Fact]
    public void ColorMovesBrightnessSaturationAndContrastAndKeepsGradients()
    {
        manual_seed(13);
        var x = (rand(32, 3, 8, 8) * 2 - 1).requires_grad_();
        var y = DiffAugment.Apply(x, DiffAugment.Parse("color,translation,cutout"));
        Assert.Equal(x.shape, y.shape);
        y.sum().backward();
        Assert.NotNull(x.grad);
        Assert.True(x.grad!.abs().sum().item<float>() > 0); // differentiable: G learns through the augmentation
        using var noGrad = no_grad();
        var c = DiffAugment.Color(x.detach());
        var shift = (c.mean([1, 2, 3]) - x.detach().mean([1, 2, 3])).abs();
        Assert.True(shift.max().item<float>() > 0.2); // brightness moves image means by up to 0.5
        Assert.True(DiffAugment.Apply(x.detach(), []).eq(x.detach()).all().item<bool>()); // no policy: the identity
    }
}
