using System.Buffers.Binary;
using System.IO.Compression;
using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Data.Readers;

/// <summary>
/// LeCun's idx format (MNIST): big-endian magic 0x00000803 + N, rows, cols for images,
/// 0x00000801 + N for labels. Plain or gzip-compressed (detected by content, not by name).
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an idx image file (uint8, 3 dimensions).</summary>
    public const int ImagesMagic = 0x00000803;
    /// <summary>Magic number of an idx label file (uint8, 1 dimension).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Images [N, 1, H, W] of an idx file (plain or .gz).</summary>
    public static Tensor ReadImages(string path)
    {
        var data = ReadMaybeGzip(path);
        CheckMagic(path, data, ImagesMagic, "idx3 image");
        if (data.Length < 16) throw new DataFormatException(path, "truncated idx3 header (needs 16 bytes)");
        int n = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(12));
        if (n < 0 || rows <= 0 || cols <= 0) throw new DataFormatException(path, $"invalid idx3 dimensions {n}x{rows}x{cols}");
        long expected = 16L + (long)n * rows * cols;
        if (data.Length != expected)
            throw new DataFormatException(path, $"header says {n} images of {rows}x{cols} ({expected} bytes) but the file holds {data.Length} bytes");
        var t = zeros([n, 1, rows, cols], dtype: ScalarType.Byte);
        data.AsSpan(16).CopyTo(t.bytes);
        return t;
    }

    /// <summary>Labels [N] of an idx file (plain or .gz), each checked below <paramref name="numClasses"/>.</summary>
    public static Tensor ReadLabels(string path, int numClasses = 10)
    {
        var data = ReadMaybeGzip(path);
        CheckMagic(path, data, LabelsMagic, "idx1 label");
        if (data.Length < 8) throw new DataFormatException(path, "truncated idx1 header (needs 8 bytes)");
        int n = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        if (data.Length != 8L + n)
            throw new DataFormatException(path, $"header says {n} labels but the file holds {data.Length - 8} label bytes");
        var labels = new long[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = data[8 + i];
            if (labels[i] >= numClasses) throw new DataFormatException(path, $"label {labels[i]} of item {i} is outside 0-{numClasses - 1}");
        }
        return tensor(labels);
    }

    static void CheckMagic(string path, byte[] data, int magic, string what)
    {
        if (data.Length < 4) throw new DataFormatException(path, $"too short to be an {what} file ({data.Length} bytes)");
        int found = BinaryPrimitives.ReadInt32BigEndian(data);
        if (found != magic)
            throw new DataFormatException(path, $"bad magic number 0x{found:X8}; an {what} file starts with 0x{magic:X8}");
    }

    static byte[] ReadMaybeGzip(string path)
    {
        if (!File.Exists(path)) throw new AdversaException($"{path}: file not found");
        var raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
        try
        {
            using var gz = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            return ms.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"corrupt or truncated gzip stream ({e.Message})", e);
        }
    }

    /// <summary>Writes idx files (used by tests to build fixtures and by nothing else).</summary>
    public static void WriteImages(string path, byte[] pixels, int n, int rows, int cols)
    {
        using var w = File.Create(path);
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], n);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], rows);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], cols);
        w.Write(header);
        w.Write(pixels);
    }

    /// <summary>Writes labels as an idx file (tests, conversions).</summary>
    public static void WriteLabels(string path, byte[] labels)
    {
        using var w = File.Create(path);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], labels.Length);
        w.Write(header);
        w.Write(labels);
    }
}
