using Adversa.Common;
using StbImageSharp;
using StbImageWriteSharp;
using static TorchSharp.torch;

namespace Adversa.Data;

/// <summary>
/// PNG/JPEG decoding and PNG encoding with the managed stb ports (no native code, safe to call from many
/// threads at once, which the parallel loaders rely on).
/// </summary>
public static class ImageCodec
{
    /// <summary>Decodes an encoded image into interleaved HWC bytes with the requested channel count (1 or 3).</summary>
    public static (byte[] Pixels, int Width, int Height) Decode(byte[] encoded, int channels, string sourceName)
    {
        if (encoded.Length == 0) throw new DataFormatException(sourceName, "empty image file");
        // stb decodes a JPEG cut short without complaint (the missing rows come out grey): require its end marker.
        if (IsJpeg(encoded) && !JpegHasEnd(encoded))
            throw new DataFormatException(sourceName, "truncated JPEG (the file ends before its end-of-image marker)");
        try
        {
            var img = ImageResult.FromMemory(encoded, channels == 1 ? StbImageSharp.ColorComponents.Grey : StbImageSharp.ColorComponents.RedGreenBlue);
            return (img.Data, img.Width, img.Height);
        }
        catch (Exception e) when (e is not AdversaException)
        {
            throw new DataFormatException(sourceName, $"not a decodable PNG/JPEG image (corrupt or truncated: {Printable(e.Message)})", e);
        }
    }

    static bool IsJpeg(byte[] b) => b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;

    /// <summary>
    /// True when an end-of-image marker (FF D9) follows the first start-of-scan (FF DA). Inside entropy-coded data
    /// every FF byte is followed by 00 or a restart marker, so FF D9 there can only be the real end; segments before
    /// the first scan (an EXIF thumbnail has its own FF D9) are skipped by their lengths.
    /// </summary>
    static bool JpegHasEnd(byte[] b)
    {
        int i = 2;
        while (i + 4 <= b.Length)
        {
            if (b[i] != 0xFF) return false;
            byte marker = b[i + 1];
            if (marker == 0xFF) { i++; continue; }
            if (marker == 0xDA) break;
            i += 2 + (b[i + 2] << 8 | b[i + 3]);
        }
        for (int j = Math.Max(2, i); j + 1 < b.Length; j++)
            if (b[j] == 0xFF && b[j + 1] == 0xD9) return true;
        return false;
    }

    /// <summary>A decoder's message fit for one line: control characters (stb's can hold NUL bytes) removed.</summary>
    static string Printable(string message) =>
        new string(message.Where(c => !char.IsControl(c)).ToArray()).Trim();

    /// <summary>Writes HWC bytes (1 or 3 channels) as PNG (atomically), creating the folder if needed.</summary>
    public static void WritePng(string path, byte[] hwc, int width, int height, int channels)
    {
        AtomicFile.Write(path, stream => new ImageWriter().WritePng(hwc, width, height,
            channels == 1 ? StbImageWriteSharp.ColorComponents.Grey : StbImageWriteSharp.ColorComponents.RedGreenBlue, stream));
    }

    /// <summary>Writes a uint8 [C,H,W] tensor as PNG.</summary>
    public static void WritePng(string path, Tensor chw)
    {
        using var scope = NewDisposeScope();
        var t = chw.to_type(ScalarType.Byte).permute(1, 2, 0).contiguous();
        WritePng(path, t.bytes.ToArray(), (int)chw.shape[2], (int)chw.shape[1], (int)chw.shape[0]);
    }

    /// <summary>True when the file starts with the PNG signature and decodes.</summary>
    public static bool IsValidPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> sig = [137, 80, 78, 71, 13, 10, 26, 10];
        if (bytes.Length < 8 || !bytes.AsSpan(0, 8).SequenceEqual(sig)) return false;
        try { ImageResult.FromMemory(bytes, StbImageSharp.ColorComponents.RedGreenBlue); return true; }
        catch { return false; }
    }
}
