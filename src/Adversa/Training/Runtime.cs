using Adversa.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Adversa.Training;

/// <summary>Process-wide settings shared by every command: device, threads and the global seed.</summary>
public static class Runtime
{
    /// <summary>The TorchSharp backend this build links (chosen with -p:AdversaBackend=cpu|cuda).</summary>
    public static string Backend =>
        typeof(Runtime).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "AdversaBackend")?.Value ?? "cpu";

    public static Device SelectDevice(string name)
    {
        switch (name.ToLowerInvariant())
        {
            case "cpu":
                return CPU;
            case "cuda":
                if (!cuda.is_available())
                    throw new AdversaException(Backend == "cuda"
                        ? "CUDA was requested but no usable GPU/driver was found"
                        : "CUDA is unavailable: this build uses TorchSharp's CPU backend; rebuild with -p:AdversaBackend=cuda (needs the TorchSharp-cuda-linux package) to train on a GPU");
                return CUDA;
            default:
                throw new AdversaException($"--device must be cpu or cuda, not '{name}'");
        }
    }

    public static void Configure(int? threads, long seed)
    {
        if (threads is int t)
        {
            if (t < 1) throw new AdversaException($"--threads must be at least 1, got {t}");
            set_num_threads(t);
        }
        manual_seed(seed);
    }

    /// <summary>Resident set size of this process in bytes (Linux /proc; 0 elsewhere).</summary>
    public static long ResidentBytes() => ProcStatusBytes("VmRSS:");

    /// <summary>Peak resident set size of this process in bytes (Linux /proc; 0 elsewhere).</summary>
    public static long PeakResidentBytes() => ProcStatusBytes("VmHWM:");

    static long ProcStatusBytes(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(key))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { }
        return 0;
    }
}
