using Adversa.Common;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Data;

/// <summary>
/// Random image augmentations for batches in model space ([N, C, H, W] on the [-1, 1] scale), drawn from the global
/// generator so a resumed run draws the same ones: polarity and colour changes that digits of MNIST-M and SVHN show,
/// MNIST-M's texture recipe, small affine warps and pixel noise. Used on labelled images by DANN and the improved UDA,
/// and on both domains by the mean teacher's consistency training.
/// </summary>
public static class Augment
{
    /// <summary>
    /// Augmentation of the labelled images: each colour channel of each image is inverted (x -> -x on the [-1, 1]
    /// scale) with probability 1/2, the intensity flips of French et al. (2018). Digits then come in both polarities
    /// and in colour-inverted variants, as MNIST-M's and SVHN's do. Draws from the global generator, so a resumed run
    /// draws the same flips.
    /// </summary>
    public static Tensor IntensityFlip(Tensor images)
    {
        var sign = randint(0, 2, [images.shape[0], images.shape[1], 1, 1]).to_type(images.dtype) * 2 - 1;
        return images * sign;
    }

    /// <summary>
    /// A wider augmentation of the labelled images than <see cref="IntensityFlip"/>, which it contains: each colour
    /// channel of each image becomes s*g*x + b with a random sign s, gain g ~ U(0.25, 1) and offset
    /// b ~ U(-(1-g), 1-g), so values stay in [-1, 1] while polarity, contrast and brightness vary per channel
    /// (MNIST-M's digits differ from their background by anything from a faint to a full-contrast colour step).
    /// </summary>
    public static Tensor ColorJitter(Tensor images)
    {
        long[] shape = [images.shape[0], images.shape[1], 1, 1];
        var gain = rand(shape, dtype: images.dtype) * 0.75 + 0.25;
        var sign = randint(0, 2, shape).to_type(images.dtype) * 2 - 1;
        var offset = (rand(shape, dtype: images.dtype) * 2 - 1) * (1 - gain);
        return offset.addcmul(images, gain * sign, 1); // offset + images * gain * sign in one pass
    }

    /// <summary>
    /// Puts each labelled image, with probability <paramref name="probability"/>, on a random colour texture the way
    /// MNIST-M was made from MNIST (pixel = |texture - digit| on a [0, 1] scale, Ganin et al. 2016), with textures
    /// drawn procedurally here (a coarse and a fine random colour grid, bilinearly upsampled and mixed per image),
    /// not taken from the target: the digit's grey level is the mean of its channels. Other images pass unchanged.
    /// </summary>
    public static Tensor TextureBlend(Tensor images, double probability)
    {
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        using var scope = NewDisposeScope();
        var digit = images.mean([1], keepdim: true).mul_(0.5).add_(0.5).clamp_(0, 1);
        var coarse = Upsample(rand(n, c, 4, 4, dtype: images.dtype), h, w);
        var fine = Upsample(rand(n, c, 16, 16, dtype: images.dtype), h, w);
        var mix = rand(n, 1, 1, 1, dtype: images.dtype);
        // In place on fresh tensors (fewer passes and allocations): texture = mix * coarse + (1 - mix) * fine, then |texture - digit| on [-1, 1].
        var blended = fine.lerp_(coarse, mix).sub_(digit).abs_().mul_(2).sub_(1);
        var chosen = rand(n, 1, 1, 1, dtype: images.dtype).lt(probability);
        return where(chosen, blended, images).MoveToOuterDisposeScope();
    }

    /// <summary>Throws the one-line error for a <c>--texture-blend</c> probability outside 0-1.</summary>
    public static void CheckTextureBlend(double probability)
    {
        if (probability is < 0 or > 1) throw new AdversaException($"--texture-blend is a probability, 0 to 1, not {probability}");
    }

    /// <summary>Throws a one-line error unless <paramref name="pixels"/> is a usable <see cref="RandomShift"/> (0 = off, at most 8).</summary>
    public static void CheckShift(int pixels)
    {
        if (pixels is < 0 or > MaxShift) throw new AdversaException($"--shift is 0 to {MaxShift} pixels, not {pixels}");
    }

    /// <summary>The largest <see cref="RandomShift"/> the options accept: a quarter of a 32-pixel digit image.</summary>
    public const int MaxShift = 8;

    /// <summary>
    /// Bilinear upsampling (align_corners) of [N, C, k, k] grids to [N, C, h, w] as two small matrix products with the
    /// interpolation matrices: the same values as <c>F.interpolate</c>, whose CPU kernel took ~5 ms per batch here.
    /// </summary>
    public static Tensor Upsample(Tensor grid, long h, long w)
    {
        using var rows = BilinearMatrix(h, grid.shape[2], grid.dtype);
        using var cols = BilinearMatrix(w, grid.shape[3], grid.dtype);
        // Columns first, then rows on the transposed result, so both are plain products over the folded batch rather
        // than a broadcast batched one (chosen, not measured: this machine's timing noise hid any difference).
        return grid.matmul(cols.t()).transpose(2, 3).matmul(rows.t()).transpose(2, 3).contiguous();
    }

    /// <summary>The [size, k] matrix whose row i holds the align_corners bilinear weights of output i on k inputs.</summary>
    public static Tensor BilinearMatrix(long size, long k, ScalarType dtype)
    {
        var m = new float[size * k];
        for (long i = 0; i < size; i++)
        {
            double src = size == 1 ? 0 : i * (double)(k - 1) / (size - 1);
            long i0 = Math.Min((long)Math.Floor(src), k - 1), i1 = Math.Min(i0 + 1, k - 1);
            float frac = (float)(src - i0);
            m[i * k + i0] += 1 - frac;
            m[i * k + i1] += frac;
        }
        return tensor(m, [size, k]).to_type(dtype);
    }

    /// <summary>
    /// A small random affine warp per image (French et al. 2018's digit augmentation): the 2x2 part is the identity
    /// plus N(0, <paramref name="affineStd"/>) noise per entry, the shift uniform in ±<paramref name="shiftPixels"/>
    /// pixels; bilinear sampling, the border padded with the image's edge colour so no black frame appears.
    /// </summary>
    public static Tensor RandomAffine(Tensor images, double affineStd = 0.1, double shiftPixels = 2)
    {
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        using var scope = NewDisposeScope();
        var linear = eye(2, dtype: images.dtype).unsqueeze(0) + randn(n, 2, 2, dtype: images.dtype) * affineStd;
        // affine_grid works in [-1, 1] coordinates: a shift of p pixels is 2p / side.
        var scale = tensor(new float[] { 2f / w, 2f / h }).to_type(images.dtype).to(images.device).reshape(1, 2, 1);
        var shift = (rand(n, 2, 1, dtype: images.dtype) * 2 - 1) * shiftPixels * scale;
        var theta = cat([linear, shift], 2);
        var grid = F.affine_grid(theta, [n, images.shape[1], h, w], align_corners: false);
        return F.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Shifts each image by a random whole number of pixels, up to ±<paramref name="pixels"/> in each direction, the
    /// edge rows and columns repeated into the gap: two gathers, far cheaper on a CPU than an affine resampling.
    /// </summary>
    public static Tensor RandomShift(Tensor images, int pixels)
    {
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        using var scope = NewDisposeScope();
        var dy = randint(-pixels, pixels + 1, [n, 1], device: images.device);
        var dx = randint(-pixels, pixels + 1, [n, 1], device: images.device);
        var rows = (arange(h, device: images.device).unsqueeze(0) - dy).clamp_(0, h - 1).view(n, 1, h, 1).expand(n, c, h, w);
        var cols = (arange(w, device: images.device).unsqueeze(0) - dx).clamp_(0, w - 1).view(n, 1, 1, w).expand(n, c, h, w);
        return images.gather(2, rows).gather(3, cols).MoveToOuterDisposeScope();
    }

    /// <summary>Adds N(0, <paramref name="std"/>) noise to every pixel (no clamping: the network sees values a little past [-1, 1]).</summary>
    public static Tensor GaussianNoise(Tensor images, double std) => std > 0 ? images + randn_like(images) * std : images;

    /// <summary>
    /// The augmentation of consistency training: a random shift of up to ±2 pixels (<see cref="RandomShift"/>; French
    /// et al. 2018 used translations of this size, with an affine warp that costs 2.4x as much here: <see cref="RandomAffine"/>),
    /// then Gaussian noise of σ 0.1. Applied twice to one batch it gives the two different views whose predictions the
    /// student and teacher must agree on. Colour changes are left to the labelled images' own options
    /// (<see cref="ColorJitter"/> helps an MNIST-like source and stops an SVHN source from learning).
    /// </summary>
    public static Tensor Consistency(Tensor images)
    {
        using var scope = NewDisposeScope();
        return GaussianNoise(RandomShift(images, 2), 0.1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The strong view of consistency training (FixMatch's weak/strong pairing, Sohn et al. 2020): an affine warp
    /// (<see cref="RandomAffine"/>), colour jitter (<see cref="ColorJitter"/>: polarity, contrast and brightness per
    /// channel) and Gaussian noise of σ 0.1. The student must give the teacher's prediction of the weak view
    /// (<see cref="Consistency"/>) to this one, so it learns to ignore the colour and small shape changes that tell
    /// MNIST-M's digits apart from each other.
    /// </summary>
    public static Tensor Strong(Tensor images)
    {
        using var scope = NewDisposeScope();
        return GaussianNoise(ColorJitter(RandomAffine(images)), 0.1).MoveToOuterDisposeScope();
    }
}
