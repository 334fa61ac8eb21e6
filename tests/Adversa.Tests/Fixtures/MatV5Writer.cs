using System.IO.Compression;
using System.Text;

namespace Adversa.Tests.Fixtures;

/// <summary>Writes MATLAB v5 files the way MATLAB does (optionally zlib-compressed), to test our reader against.</summary>
public static class MatV5Writer
{
    public static void Write(string path, bool compress, params (string Name, int[] Dims, object Data)[] arrays)
    {
        using var f = File.Create(path);
        var header = new byte[128];
        Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, written by Adversa tests".PadRight(116)).CopyTo(header, 0);
        header[124] = 0x00; header[125] = 0x01; header[126] = (byte)'I'; header[127] = (byte)'M';
        f.Write(header);
        foreach (var (name, dims, data) in arrays)
        {
            var matrix = Matrix(name, dims, data);
            if (!compress) { f.Write(matrix); continue; }
            using var ms = new MemoryStream();
            using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(matrix);
            var packed = ms.ToArray();
            f.Write(BitConverter.GetBytes(15)); f.Write(BitConverter.GetBytes(packed.Length)); f.Write(packed);
        }
    }

    static byte[] Matrix(string name, int[] dims, object data)
    {
        var body = new MemoryStream();
        int cls = data is byte[]? 9 : 6;
        Element(body, 6, [.. BitConverter.GetBytes(cls), .. BitConverter.GetBytes(0)]);
        Element(body, 5, dims.SelectMany(BitConverter.GetBytes).ToArray());
        Element(body, 1, Encoding.ASCII.GetBytes(name));
        if (data is byte[] bytes) Element(body, 2, bytes);
        else
        {
            // MATLAB stores doubles holding small integers as uint8 to save space; do the same.
            var values = (double[])data;
            Element(body, 2, values.Select(v => (byte)v).ToArray());
        }
        var content = body.ToArray();
        return [.. BitConverter.GetBytes(14), .. BitConverter.GetBytes(content.Length), .. content];
    }

    static void Element(Stream s, int type, byte[] payload)
    {
        s.Write(BitConverter.GetBytes(type));
        s.Write(BitConverter.GetBytes(payload.Length));
        s.Write(payload);
        int pad = (8 - payload.Length % 8) % 8;
        s.Write(new byte[pad]);
    }
}
