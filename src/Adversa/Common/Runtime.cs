using TorchSharp;
using static TorchSharp.torch;

namespace Adversa.Common;

/// <summary>Process-wide settings shared by every command: device, threads and the global seed.</summary>
public static class Runtime
{
    /// <summary>The TorchSharp backend this build links (chosen with -p:AdversaBackend=cpu|cuda).</summary>
    public static string Backend =>
        typeof(Runtime).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "AdversaBackend")?.Value ?? "cpu";

    /// <summary>
    /// The device every model, batch, feature cache and metric input goes to (the one place that says where work runs).
    /// Set by <see cref="SelectDevice"/>; models are moved with <see cref="ToDevice{T}(T)"/>, data with <see cref="ToDevice(Tensor)"/>
    /// (the image transform and the data loader's labels call it), and tensors made without a device go there too.
    /// </summary>
    public static Device Device { get; private set; } = CPU;

    /// <summary>The device named cpu, cuda or cuda:N; a one-line error when it is not available.</summary>
    public static Device SelectDevice(string name)
    {
        var device = name.ToLowerInvariant() switch
        {
            "cpu" => CPU,
            "cuda" when !cuda.is_available() => throw new AdversaException(Backend == "cuda"
                ? "--device cuda: no usable GPU or driver was found"
                : "--device cuda: this build uses TorchSharp's CPU backend; rebuild with -p:AdversaBackend=cuda (TorchSharp-cuda-linux) to train on a GPU"),
            "cuda" => CUDA,
            _ => throw new AdversaException($"--device must be cpu or cuda, not '{name}'"),
        };
        Device = device;
        set_default_device(device);
        return device;
    }

    /// <summary>The tensor on <see cref="Device"/> (itself when already there).</summary>
    public static Tensor ToDevice(this Tensor t) => t.device_type == Device.type && t.device_index == Device.index ? t : t.to(Device);

    /// <summary>The module with its parameters and buffers on <see cref="Device"/>.</summary>
    public static T ToDevice<T>(this T module) where T : nn.Module => (T)module.to(Device);

    /// <summary>Sets TorchSharp's thread count (null: its default) and seeds its generator.</summary>
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
