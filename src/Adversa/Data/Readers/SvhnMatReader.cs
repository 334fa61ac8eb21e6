using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Data.Readers;

/// <summary>
/// SVHN's official <c>{train,test}_32x32.mat</c>: X uint8 [32,32,3,N] in MATLAB column-major order
/// (element (r,c,ch,n) at r + 32c + 1024ch + 3072n), y double [N,1] with 10 meaning digit 0.
/// </summary>
public static class SvhnMatReader
{
    /// <inheritdoc/>
    public static ImageSet Read(string path, int? limit = null)
    {
        var vars = MatV5Reader.Read(path);
        if (!vars.TryGetValue("X", out var x)) throw new DataFormatException(path, "no variable 'X' (images)");
        if (!vars.TryGetValue("y", out var y)) throw new DataFormatException(path, "no variable 'y' (labels)");
        if (x.Bytes is null || x.Dimensions.Length != 4 || x.Dimensions[2] != 3)
            throw new DataFormatException(path, $"'X' must be uint8 HxWx3xN, got {x.Class} {string.Join('x', x.Dimensions)}");
        int h = x.Dimensions[0], w = x.Dimensions[1], n = x.Dimensions[3];
        if (y.Values is null || y.Count != n)
            throw new DataFormatException(path, $"'y' has {y.Count} labels for {n} images");
        int take = limit is int l ? Math.Min(l, n) : n;
        var labels = new long[take];
        for (int i = 0; i < take; i++)
        {
            double v = y.Values[i];
            if (v != Math.Floor(v) || v < 0 || v > 10) throw new DataFormatException(path, $"label {v} of image {i} is outside 1-10");
            labels[i] = v == 10 ? 0 : (long)v;
        }
        var src = x.Bytes;
        long plane = (long)h * w;
        var images = PixelCache.Fill(take, 3, h, w, (i, row) =>
        {
            long imageBase = (long)i * 3 * plane;
            for (int ch = 0; ch < 3; ch++)
                for (int c = 0; c < w; c++)
                    for (int r = 0; r < h; r++)
                        row[(int)(ch * plane + r * w + c)] = src[imageBase + ch * plane + c * h + r];
        });
        return new ImageSet("svhn", images, tensor(labels));
    }
}
