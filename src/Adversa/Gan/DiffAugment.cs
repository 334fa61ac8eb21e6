using Adversa.Common;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Gan;

/// <summary>
/// Differentiable augmentation for GANs trained on little data (Zhao et al. 2020, "Differentiable Augmentation for
/// Data-Efficient GAN Training"): every image the discriminator sees, real or generated, in D's step and in G's step,
/// passes through the same random transformations, so D cannot memorise the few real images and G still gets gradients
/// through them. Policies, applied in this order: <c>color</c> (brightness ±0.5, saturation x0-2, contrast x0.5-1.5 per
/// image), <c>translation</c> (a shift of up to 1/8 of the side, zeros filling the gap), <c>cutout</c> (a zeroed square
/// of half the side at a random place). Images on the [-1, 1] scale; draws from the global generator, so a resumed run
/// draws the same.
/// </summary>
public static class DiffAugment
{
    /// <summary>The policies, in the order they are applied.</summary>
    public static readonly string[] Policies = ["color", "translation", "cutout"];

    /// <summary>True when every name of the comma-separated list is a policy (or the list is empty or "none").</summary>
    public static bool IsValid(string? list) => Names(list).All(Policies.Contains);

    /// <summary>The policies of a comma-separated list ("" or "none": off); a one-line error names an unknown one.</summary>
    public static string[] Parse(string? list)
    {
        var names = Names(list);
        if (names.FirstOrDefault(n => !Policies.Contains(n)) is { } unknown)
            throw new AdversaException($"--diff-augment: unknown policy '{unknown}'; choose from {string.Join(", ", Policies)} (comma-separated) or none");
        return Policies.Where(names.Contains).ToArray(); // the fixed order, each once
    }

    /// <summary>The names of a comma-separated list, trimmed; none for "" or "none".</summary>
    static string[] Names(string? list) =>
        string.IsNullOrWhiteSpace(list) || list.Trim() == "none" ? [] : list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Applies the parsed <paramref name="policies"/> to a batch [N, C, H, W] (identity when there are none).</summary>
    public static Tensor Apply(Tensor x, string[] policies)
    {
        if (policies.Length == 0) return x;
        using var scope = NewDisposeScope();
        foreach (var p in policies)
            x = p switch
            {
                "color" => Color(x),
                "translation" => Translation(x, 0.125),
                "cutout" => Cutout(x, 0.5),
                _ => throw new ArgumentException($"unknown policy {p}"),
            };
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Brightness + U(-0.5, 0.5), then saturation (distance from the pixel's channel mean) x U(0, 2), then contrast (distance from the image mean) x U(0.5, 1.5).</summary>
    public static Tensor Color(Tensor x)
    {
        long n = x.shape[0];
        x = x + (rand(n, 1, 1, 1, dtype: x.dtype, device: x.device) - 0.5);
        var pixelMean = x.mean([1], keepdim: true);
        x = (x - pixelMean) * (rand(n, 1, 1, 1, dtype: x.dtype, device: x.device) * 2) + pixelMean;
        var imageMean = x.mean([1, 2, 3], keepdim: true);
        return (x - imageMean) * (rand(n, 1, 1, 1, dtype: x.dtype, device: x.device) + 0.5) + imageMean;
    }

    /// <summary>Shifts each image by a whole number of pixels, up to ±<paramref name="ratio"/> of its side in each direction, zeros filling the gap.</summary>
    public static Tensor Translation(Tensor x, double ratio)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long sy = (long)(h * ratio + 0.5), sx = (long)(w * ratio + 0.5);
        var dy = randint(-sy, sy + 1, [n, 1], device: x.device);
        var dx = randint(-sx, sx + 1, [n, 1], device: x.device);
        // Output pixel (i, j) reads input (i - dy, j - dx) of the image padded by one zero row/column at each side.
        var padded = F.pad(x, [1, 1, 1, 1]);
        var rows = (arange(h, device: x.device).unsqueeze(0) - dy + 1).clamp_(0, h + 1).view(n, 1, h, 1).expand(n, c, h, w + 2);
        var cols = (arange(w, device: x.device).unsqueeze(0) - dx + 1).clamp_(0, w + 1).view(n, 1, 1, w).expand(n, c, h, w);
        return padded.gather(2, rows).gather(3, cols);
    }

    /// <summary>Zeroes a square of <paramref name="ratio"/> of the side per image, centred anywhere in the image (parts may fall outside).</summary>
    public static Tensor Cutout(Tensor x, double ratio)
    {
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        long ch = (long)(h * ratio + 0.5), cw = (long)(w * ratio + 0.5);
        var cy = randint(0, h + (1 - ch % 2), [n, 1], device: x.device) - ch / 2;
        var cx = randint(0, w + (1 - cw % 2), [n, 1], device: x.device) - cw / 2;
        var rowIn = arange(h, device: x.device).unsqueeze(0).sub(cy);
        var colIn = arange(w, device: x.device).unsqueeze(0).sub(cx);
        var inRows = rowIn.ge(0).logical_and(rowIn.lt(ch)).view(n, 1, h, 1);
        var inCols = colIn.ge(0).logical_and(colIn.lt(cw)).view(n, 1, 1, w);
        var keep = inRows.logical_and(inCols).logical_not().to_type(x.dtype);
        return x * keep;
    }
}
