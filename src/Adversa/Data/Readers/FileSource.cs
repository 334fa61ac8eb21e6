using System.IO.Compression;
using Adversa.Common;

namespace Adversa.Data.Readers;

/// <summary>
/// A set of named image files read either from a folder or from a zip archive (MNIST-M is often
/// distributed as <c>mnist_m_train.zip</c>). Names are matched without the folder prefix.
/// Thread-safe for reading: zip entries are read under a lock, decoding happens outside it.
/// </summary>
public sealed class FileSource : IDisposable
{
    readonly string? _folder;
    readonly ZipArchive? _zip;
    readonly Dictionary<string, ZipArchiveEntry>? _entries;
    readonly object _lock = new();

    /// <summary>The folder or zip, for messages.</summary>
    public string Description { get; }

    FileSource(string description, string? folder, ZipArchive? zip)
    {
        Description = description;
        _folder = folder;
        _zip = zip;
        if (zip is not null)
        {
            _entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (var e in zip.Entries)
                if (e.Length > 0 || !e.FullName.EndsWith('/')) _entries[Path.GetFileName(e.FullName)] = e;
        }
    }

    /// <summary>Files of a folder.</summary>
    public static FileSource FromFolder(string folder)
    {
        if (!Directory.Exists(folder)) throw new AdversaException($"{folder}: folder not found");
        return new FileSource(folder, folder, null);
    }

    /// <summary>Entries of a zip archive (read in place, not extracted).</summary>
    public static FileSource FromZip(string zipPath)
    {
        try { return new FileSource(zipPath, null, ZipFile.OpenRead(zipPath)); }
        catch (InvalidDataException e) { throw new DataFormatException(zipPath, $"not a readable zip archive ({e.Message})", e); }
    }

    /// <summary>Folder if present, else a zip of the same name, else a clear error naming both.</summary>
    public static FileSource FolderOrZip(string folder)
    {
        if (Directory.Exists(folder)) return FromFolder(folder);
        if (File.Exists(folder + ".zip")) return FromZip(folder + ".zip");
        throw new AdversaException($"{folder}: neither this folder nor {Path.GetFileName(folder)}.zip exists");
    }

    /// <summary>How many .png/.jpg files the folder or archive holds.</summary>
    public int ImageCount() =>
        (_entries?.Keys ?? Directory.EnumerateFiles(_folder!).Select(Path.GetFileName)!)
        .Count(n => n!.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || n.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || n.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the file exists.</summary>
    public bool Contains(string name) =>
        _entries?.ContainsKey(name) ?? File.Exists(Path.Combine(_folder!, name));

    /// <summary>The file's path for messages (zip!entry for an archive).</summary>
    public string PathOf(string name) => _zip is null ? Path.Combine(_folder!, name) : $"{Description}!{name}";

    /// <summary>The file's bytes.</summary>
    public byte[] ReadAllBytes(string name)
    {
        if (_entries is not null)
        {
            if (!_entries.TryGetValue(name, out var entry)) throw new AdversaException($"{PathOf(name)}: not found in the archive");
            lock (_lock)
            {
                try
                {
                    using var s = entry.Open();
                    var buffer = new byte[entry.Length];
                    s.ReadExactly(buffer);
                    return buffer;
                }
                catch (InvalidDataException e) { throw new DataFormatException(PathOf(name), $"corrupt zip entry ({e.Message})", e); }
            }
        }
        var path = Path.Combine(_folder!, name);
        if (!File.Exists(path)) throw new AdversaException($"{path}: file not found");
        return File.ReadAllBytes(path);
    }

    /// <inheritdoc/>
    public void Dispose() => _zip?.Dispose();
}
