namespace Adversa.Data;

/// <summary>Pixel-level operations on interleaved HWC byte images, used while filling a dataset cache.</summary>
public static class ImageOps
{
    /// <summary>
    /// Area-averaging resize (like OpenCV's INTER_AREA when shrinking, bilinear-like when growing):
    /// each output pixel is the overlap-weighted mean of the input pixels it covers, so shrinking does not alias.
    /// </summary>
    public static byte[] Resize(ReadOnlySpan<byte> src, int width, int height, int channels, int newWidth, int newHeight)
    {
        if (width == newWidth && height == newHeight) return src.ToArray();
        var horizontal = new float[height * newWidth * channels];
        var wx = Weights(width, newWidth);
        for (int y = 0; y < height; y++)
            for (int ox = 0; ox < newWidth; ox++)
                foreach (var (ix, w) in wx[ox])
                    for (int c = 0; c < channels; c++)
                        horizontal[(y * newWidth + ox) * channels + c] += w * src[(y * width + ix) * channels + c];
        var result = new byte[newHeight * newWidth * channels];
        var wy = Weights(height, newHeight);
        for (int oy = 0; oy < newHeight; oy++)
            for (int ox = 0; ox < newWidth; ox++)
                for (int c = 0; c < channels; c++)
                {
                    float acc = 0;
                    foreach (var (iy, w) in wy[oy]) acc += w * horizontal[(iy * newWidth + ox) * channels + c];
                    result[(oy * newWidth + ox) * channels + c] = (byte)Math.Clamp(MathF.Round(acc), 0, 255);
                }
        return result;
    }

    /// <summary>For each output index, the input indices it covers and their normalised weights.</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int), (int Index, float Weight)[][]> WeightCache = new();

    static (int Index, float Weight)[][] Weights(int inSize, int outSize) =>
        WeightCache.GetOrAdd((inSize, outSize), k => ComputeWeights(k.Item1, k.Item2));

    static (int Index, float Weight)[][] ComputeWeights(int inSize, int outSize)
    {
        var result = new (int, float)[outSize][];
        double scale = (double)inSize / outSize;
        for (int o = 0; o < outSize; o++)
        {
            var list = new List<(int, float)>();
            if (scale >= 1)
            {
                double start = o * scale, end = start + scale;
                for (int i = (int)Math.Floor(start); i < Math.Min(inSize, (int)Math.Ceiling(end)); i++)
                {
                    double overlap = Math.Min(end, i + 1) - Math.Max(start, i);
                    if (overlap > 1e-9) list.Add((i, (float)(overlap / scale)));
                }
            }
            else
            {
                double centre = (o + 0.5) * scale - 0.5;
                int i0 = (int)Math.Floor(centre);
                double f = centre - i0;
                list.Add((Math.Clamp(i0, 0, inSize - 1), (float)(1 - f)));
                if (f > 1e-9) list.Add((Math.Clamp(i0 + 1, 0, inSize - 1), (float)f));
            }
            result[o] = list.ToArray();
        }
        return result;
    }

    /// <summary>Crops a centred square window of side min(width, height).</summary>
    public static (byte[] Pixels, int Side) CentreSquare(ReadOnlySpan<byte> src, int width, int height, int channels)
    {
        int side = Math.Min(width, height), x0 = (width - side) / 2, y0 = (height - side) / 2;
        var dst = new byte[side * side * channels];
        for (int y = 0; y < side; y++)
            src.Slice(((y0 + y) * width + x0) * channels, side * channels).CopyTo(dst.AsSpan(y * side * channels));
        return (dst, side);
    }

    /// <summary>HWC to CHW, written straight into the destination (a slice of a dataset cache).</summary>
    public static void HwcToChw(ReadOnlySpan<byte> hwc, Span<byte> chw, int width, int height, int channels)
    {
        int plane = width * height;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < channels; c++)
                chw[c * plane + p] = hwc[p * channels + c];
    }
}
