using Adversa.Common;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace Adversa.Data;

/// <summary>
/// A uint8 image tensor [N, ...] kept in a temporary file instead of process memory, read back a row at a time with
/// positioned reads. The file is raw, already-decoded pixels, so reading needs no decoding; the operating system's
/// page cache keeps it in RAM when there is room, but it no longer counts towards the process's resident memory
/// (the point: a 20-minute MNIST -> MNIST-M run holds 181 MB of MNIST-M pixels). The file is deleted when this object
/// is disposed (and unlinked at once on Linux and macOS, so a killed process leaves nothing behind).
/// </summary>
public sealed class DiskRows : IDisposable
{
    readonly SafeFileHandle _file;
    readonly long _rowBytes;

    /// <summary>Shape of the whole tensor, [N, ...].</summary>
    public long[] Shape { get; }
    /// <summary>Rows in the file.</summary>
    public int Count => (int)Shape[0];

    DiskRows(SafeFileHandle file, long[] shape)
    {
        _file = file;
        Shape = shape;
        _rowBytes = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>Copies <paramref name="images"/> (uint8) into a new temporary file in <paramref name="directory"/> (default: the system's temp folder).</summary>
    public static DiskRows Write(Tensor images, string? directory = null)
    {
        if (images.dtype != ScalarType.Byte) throw new ArgumentException($"only uint8 images can go to disk, not {images.dtype}", nameof(images));
        var path = Path.Combine(directory ?? Path.GetTempPath(), $"adversa-rows-{Environment.ProcessId}-{Guid.NewGuid():N}.u8");
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AdversaException($"cannot create the on-disk image cache {path}: {e.Message}");
        }
        if (!OperatingSystem.IsWindows()) File.Delete(path); // the open handle keeps the data; nothing is left behind
        var rows = new DiskRows(file, images.shape);
        using var contiguous = images.contiguous();
        long rowsPerChunk = Math.Max(1, (16L << 20) / Math.Max(1, rows._rowBytes));
        for (long s = 0; s < rows.Count; s += rowsPerChunk)
        {
            using var chunk = contiguous.narrow(0, s, Math.Min(rowsPerChunk, rows.Count - s));
            try { RandomAccess.Write(file, chunk.bytes, s * rows._rowBytes); }
            catch (IOException e) { file.Dispose(); throw new AdversaException($"cannot write the on-disk image cache in {Path.GetDirectoryName(path)}: {e.Message}"); }
        }
        return rows;
    }

    /// <summary>Rows [start, start + count) as a new tensor.</summary>
    public Tensor Rows(long start, long count)
    {
        var result = empty([count, .. Shape.Skip(1)], dtype: ScalarType.Byte);
        ReadInto(result.bytes, start, count);
        return result;
    }

    /// <summary>The rows named by <paramref name="index"/> (int64), in that order, as a new tensor.</summary>
    public Tensor Take(Tensor index)
    {
        var rows = index.data<long>().ToArray();
        var result = empty([rows.Length, .. Shape.Skip(1)], dtype: ScalarType.Byte);
        var span = result.bytes;
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i] < 0 || rows[i] >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"row {rows[i]} outside 0..{Count - 1}");
            ReadInto(span.Slice((int)(i * _rowBytes), (int)_rowBytes), rows[i], 1);
        }
        return result;
    }

    void ReadInto(Span<byte> destination, long start, long count)
    {
        long offset = start * _rowBytes, wanted = count * _rowBytes;
        for (long done = 0; done < wanted;)
        {
            int n = RandomAccess.Read(_file, destination.Slice((int)done), offset + done);
            if (n <= 0) throw new IOException($"on-disk image cache ended after {offset + done} of {Count * _rowBytes} bytes");
            done += n;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
