using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Adversa.Common;

namespace Adversa.Data.Readers;

/// <summary>One numeric array from a MAT file: its MATLAB dimensions (column-major) and its values.</summary>
public sealed record MatArray(string Name, int[] Dimensions, MatClass Class, byte[]? Bytes, double[]? Values)
{
    /// <summary>Number of elements.</summary>
    public long Count => Dimensions.Aggregate(1L, (a, d) => a * d);
}

/// <summary>The numeric array classes of MAT v5 (mxCLASS_* codes), each named after its element type.</summary>
public enum MatClass
{
#pragma warning disable CS1591 // each value is the element type its name says
    Double = 6, Single = 7, Int8 = 8, UInt8 = 9, Int16 = 10, UInt16 = 11, Int32 = 12, UInt32 = 13, Int64 = 14, UInt64 = 15,
#pragma warning restore CS1591
}

/// <summary>
/// A reader for MATLAB level-5 MAT files (what SVHN's <c>train_32x32.mat</c> is): a 128-byte header, then
/// tagged data elements, each numeric matrix possibly wrapped in a zlib-compressed miCOMPRESSED element.
/// uint8 arrays come back as raw bytes (SVHN's X is 600 MB as doubles); every other class as doubles.
/// Only numeric, real, full matrices are supported: that is all image datasets use.
/// </summary>
public static class MatV5Reader
{
    const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6,
              MiSingle = 7, MiDouble = 9, MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15;

    /// <inheritdoc/>
    public static Dictionary<string, MatArray> Read(string path)
    {
        if (!File.Exists(path)) throw new AdversaException($"{path}: file not found");
        var data = File.ReadAllBytes(path);
        if (data.Length < 128) throw new DataFormatException(path, $"too short for a MAT v5 header ({data.Length} of 128 bytes)");
        var text = Encoding.ASCII.GetString(data, 0, 10);
        if (!text.StartsWith("MATLAB 5.0"))
        {
            ReadOnlySpan<byte> hdf5 = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];
            if (data.AsSpan(0, 8).SequenceEqual(hdf5) || (data.Length >= 520 && data.AsSpan(512, 8).SequenceEqual(hdf5)))
                throw new DataFormatException(path, "this is a MAT v7.3 (HDF5) file; save it with -v7 or read it as HDF5");
            throw new DataFormatException(path, "not a MATLAB 5.0 MAT-file (header text missing)");
        }
        if (data[126] != (byte)'I' || data[127] != (byte)'M')
            throw new DataFormatException(path, "big-endian MAT files are not supported (endian indicator is not 'IM')");

        var result = new Dictionary<string, MatArray>();
        int pos = 128;
        while (pos + 8 <= data.Length)
        {
            var (type, size, payload, next) = ReadTag(path, data, pos);
            if (type == MiCompressed)
            {
                var inner = Inflate(path, data.AsSpan(payload, size));
                var (itype, isize, ipayload, _) = ReadTag(path, inner, 0);
                if (itype == MiMatrix) AddMatrix(path, inner, ipayload, isize, result);
            }
            else if (type == MiMatrix) AddMatrix(path, data, payload, size, result);
            pos = next;
        }
        if (pos < data.Length && data.Length - pos >= 8)
            throw new DataFormatException(path, $"trailing bytes at offset {pos}");
        return result;
    }

    /// <summary>Reads a tag at <paramref name="pos"/>; handles the 4-byte "small data element" form.</summary>
    static (int Type, int Size, int Payload, int Next) ReadTag(string path, byte[] data, int pos)
    {
        if (pos + 8 > data.Length) throw new DataFormatException(path, $"truncated data element tag at offset {pos}");
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos));
        if ((first >> 16) != 0)
        {
            int smallSize = (int)(first >> 16), smallType = (int)(first & 0xFFFF);
            return (smallType, smallSize, pos + 4, pos + 8);
        }
        int size = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(pos + 4));
        if (size < 0 || (long)pos + 8 + size > data.Length)
            throw new DataFormatException(path, $"truncated: element at offset {pos} declares {size} bytes, only {data.Length - pos - 8} remain");
        int padded = (int)first == MiCompressed ? size : (size + 7) & ~7;
        return ((int)first, size, pos + 8, Math.Min(data.Length, pos + 8 + padded));
    }

    static byte[] Inflate(string path, ReadOnlySpan<byte> compressed)
    {
        try
        {
            using var z = new ZLibStream(new MemoryStream(compressed.ToArray()), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            z.CopyTo(ms);
            return ms.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"corrupt or truncated compressed element ({e.Message})", e);
        }
    }

    static void AddMatrix(string path, byte[] data, int pos, int size, Dictionary<string, MatArray> result)
    {
        int end = pos + size;
        var (ft, fs, fp, next) = ReadTag(path, data, pos);
        if (ft != MiUInt32 || fs < 8) throw new DataFormatException(path, "matrix without array-flags subelement");
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(fp));
        int cls = (int)(flags & 0xFF);
        bool complex = (flags & 0x0800) != 0;

        var (dt, ds, dp, next2) = ReadTag(path, data, next);
        if (dt != MiInt32) throw new DataFormatException(path, "matrix without dimensions subelement");
        var dims = new int[ds / 4];
        for (int i = 0; i < dims.Length; i++) dims[i] = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(dp + 4 * i));

        var (nt, ns, np, next3) = ReadTag(path, data, next2);
        if (nt != MiInt8) throw new DataFormatException(path, "matrix without name subelement");
        string name = Encoding.ASCII.GetString(data, np, ns);

        if (!Enum.IsDefined(typeof(MatClass), cls)) return; // cells, structs, chars, sparse: not image data
        if (complex) throw new DataFormatException(path, $"variable '{name}' is complex; only real arrays are supported");

        var (rt, rs, rp, _) = ReadTag(path, data, next3);
        if (rp + rs > end) throw new DataFormatException(path, $"variable '{name}' is truncated");
        long count = dims.Aggregate(1L, (a, d) => a * d);
        int width = ElementSize(path, rt, name);
        if (rs != count * width)
            throw new DataFormatException(path, $"variable '{name}' has dimensions {string.Join('x', dims)} ({count} values) but {rs / width} stored values");

        var span = data.AsSpan(rp, rs);
        if ((MatClass)cls == MatClass.UInt8 && rt == MiUInt8)
        {
            result[name] = new MatArray(name, dims, MatClass.UInt8, span.ToArray(), null);
            return;
        }
        var values = new double[count];
        for (long i = 0; i < count; i++) values[i] = ReadValue(span, rt, (int)i);
        result[name] = new MatArray(name, dims, (MatClass)cls, null, values);
    }

    static int ElementSize(string path, int type, string name) => type switch
    {
        MiInt8 or MiUInt8 => 1,
        MiInt16 or MiUInt16 => 2,
        MiInt32 or MiUInt32 or MiSingle => 4,
        MiDouble or MiInt64 or MiUInt64 => 8,
        _ => throw new DataFormatException(path, $"variable '{name}' uses unsupported storage type {type}")
    };

    static double ReadValue(ReadOnlySpan<byte> s, int type, int i) => type switch
    {
        MiInt8 => (sbyte)s[i],
        MiUInt8 => s[i],
        MiInt16 => BinaryPrimitives.ReadInt16LittleEndian(s[(2 * i)..]),
        MiUInt16 => BinaryPrimitives.ReadUInt16LittleEndian(s[(2 * i)..]),
        MiInt32 => BinaryPrimitives.ReadInt32LittleEndian(s[(4 * i)..]),
        MiUInt32 => BinaryPrimitives.ReadUInt32LittleEndian(s[(4 * i)..]),
        MiSingle => BinaryPrimitives.ReadSingleLittleEndian(s[(4 * i)..]),
        MiDouble => BinaryPrimitives.ReadDoubleLittleEndian(s[(8 * i)..]),
        MiInt64 => BinaryPrimitives.ReadInt64LittleEndian(s[(8 * i)..]),
        MiUInt64 => BinaryPrimitives.ReadUInt64LittleEndian(s[(8 * i)..]),
        _ => throw new InvalidOperationException()
    };
}
