using StbImageWriteSharp;

namespace Adversa.Tests.Fixtures;

/// <summary>Writes small PNG/JPEG fixtures whose pixel values the tests know.</summary>
public static class Images
{
    /// <summary>An RGB image whose pixel (x,y,c) is (seed + 3x + 5y + 7c) mod 256.</summary>
    public static byte[] Pattern(int width, int height, int seed, int channels = 3)
    {
        var px = new byte[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    px[(y * width + x) * channels + c] = (byte)((seed + 3 * x + 5 * y + 7 * c) % 256);
        return px;
    }

    public static byte[] Png(byte[] hwc, int width, int height, int channels = 3)
    {
        using var ms = new MemoryStream();
        new ImageWriter().WritePng(hwc, width, height, channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue, ms);
        return ms.ToArray();
    }

    public static byte[] Jpeg(byte[] hwc, int width, int height)
    {
        using var ms = new MemoryStream();
        new ImageWriter().WriteJpg(hwc, width, height, ColorComponents.RedGreenBlue, ms, 95);
        return ms.ToArray();
    }
}
