namespace Adversa.Common;

/// <summary>
/// Every file Adversa writes goes through here: written in full to a temporary file next to the target (a name of
/// this process's own), flushed, then renamed over the target, so a reader never sees half a file and an interrupted
/// or failed write leaves the previous version. The temporary is removed on failure, and a full disk becomes one
/// clear error naming the file.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, creating its folder if needed.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new AdversaException($"{path}: is a folder; a file was expected here");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = $"{full}.{Environment.ProcessId}.tmp";
        try
        {
            using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(tmp);
            if (IsDiskFull(e)) throw new AdversaException($"{path}: the disk is full (no space left on the device holding {Path.GetDirectoryName(full)}); the previous version, if any, is untouched", e);
            if (e is UnauthorizedAccessException) throw new AdversaException($"{path}: permission denied writing this file", e);
            throw;
        }
    }

    /// <summary>Writes the text (UTF-8) atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });

    /// <summary>Writes the bytes atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    /// <summary>Writes the lines atomically.</summary>
    public static void WriteAllLines(string path, IEnumerable<string> lines) =>
        Write(path, s =>
        {
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            foreach (var line in lines) w.WriteLine(line);
        });

    /// <summary>True for the IOException that ENOSPC / EDQUOT (no space, quota exceeded) become.</summary>
    public static bool IsDiskFull(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is IOException io && ((io.HResult & 0xFFFF) is 28 or 122 || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
                                        || io.Message.Contains("Disk quota", StringComparison.OrdinalIgnoreCase)))
                return true;
        return false;
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
