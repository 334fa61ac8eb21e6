using Adversa.Common;

namespace Adversa.Training;

/// <summary>
/// One run per folder: an exclusive lock on &lt;folder&gt;/.lock (flock through <see cref="FileShare.None"/>), held while a
/// run writes there. A second process is refused with one clear line; the kernel drops the lock when a process
/// dies, so a crash never leaves a stale one. Re-entrant within a process (a command and the training loop it calls
/// may both take it). The lock file is removed on release (a refused command leaves the folder as it found it), and so
/// is a folder the lock created that stayed empty. A lock taken on a file that its holder removed meanwhile is taken again.
/// </summary>
public sealed class RunLock : IDisposable
{
    const string FileName = ".lock";
    static readonly Dictionary<string, (FileStream Stream, int Count, bool Created)> Held = [];
    readonly string _folder;
    bool _released;

    RunLock(string folder) => _folder = folder;

    /// <summary>Takes the folder's lock (creating the folder); a one-line error when another run holds it.</summary>
    public static RunLock Acquire(string folder)
    {
        var full = Path.GetFullPath(folder);
        lock (Held)
        {
            if (Held.TryGetValue(full, out var held))
            {
                Held[full] = held with { Count = held.Count + 1 };
                return new RunLock(full);
            }
            OutputPath.CheckFolder(folder);
            bool created = !Directory.Exists(full);
            Directory.CreateDirectory(full);
            var path = Path.Combine(full, FileName);
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                while (!File.Exists(path)) // the previous holder removed the file between our open and our lock: lock the new one
                {
                    stream.Dispose();
                    stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                Held[full] = (stream, 1, created);
            }
            catch (IOException e) when (!AtomicFile.IsDiskFull(e))
            {
                throw new AdversaException($"{folder}: another Adversa run is writing to this folder (it holds {path}); wait for it to finish or choose another folder", e);
            }
            return new RunLock(full);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        lock (Held)
        {
            var held = Held[_folder];
            if (held.Count > 1) { Held[_folder] = held with { Count = held.Count - 1 }; return; }
            Held.Remove(_folder);
            try { File.Delete(Path.Combine(_folder, FileName)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            held.Stream.Dispose();
            if (held.Created && !Directory.EnumerateFileSystemEntries(_folder).Any())
            {
                try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
            }
        }
    }
}
