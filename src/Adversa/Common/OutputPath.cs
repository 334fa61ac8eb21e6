using System.Runtime.InteropServices;

namespace Adversa.Common;

/// <summary>
/// Checks, before any work starts and without creating anything, that an output path can be written: a folder
/// option must not name a file, a file option must not name a folder, and the nearest existing folder must be
/// writable (access(2), which also sees read-only mounts).
/// </summary>
public static partial class OutputPath
{
    /// <summary>A folder the command will create or write into.</summary>
    public static void CheckFolder(string path, string option = "--out")
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new AdversaException($"{option} {path}: is an existing file; a folder was expected");
        CheckWritable(full, path, option);
    }

    /// <summary>A file the command will create or replace.</summary>
    public static void CheckFile(string path, string option = "--out")
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new AdversaException($"{option} {path}: is a folder; a file name was expected");
        CheckWritable(Path.GetDirectoryName(full)!, path, option);
    }

    static void CheckWritable(string folder, string given, string option)
    {
        var existing = folder;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) throw new AdversaException($"{option} {given}: {existing} is a file, so no folder can be made there");
            existing = Path.GetDirectoryName(existing);
            if (existing is null) return;
        }
        if (OperatingSystem.IsWindows()) return;
        const int W_OK = 2, X_OK = 1;
        if (access(existing, W_OK | X_OK) != 0)
            throw new AdversaException($"{option} {given}: {existing} is not writable ({Marshal.GetLastPInvokeErrorMessage()})");
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int access(string path, int mode);
}
