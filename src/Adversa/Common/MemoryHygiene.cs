using System.Runtime.InteropServices;

namespace Adversa.Common;

/// <summary>How <see cref="MemoryHygiene"/> gives memory back.</summary>
public enum HygieneMode
{
    /// <summary>Nothing.</summary>
    None,
    /// <summary>Full blocking GC + finalizers: frees the small native objects TorchSharp releases only through finalizers.</summary>
    Gc,
    /// <summary>glibc malloc_trim(0): returns free pages inside malloc's arenas to the OS (no managed work).</summary>
    Trim,
    /// <summary>Both: finalizers free the stragglers, then the freed pages go back to the OS.</summary>
    GcAndTrim,
}

/// <summary>
/// Keeps resident memory flat during long training. Even with every step inside a dispose scope (zero live
/// tensors), glibc's allocator fragments around the small native objects that TorchSharp releases through
/// finalizers (implicit Scalars, autograd bookkeeping), and RSS grows by megabytes per step.
/// The shared training loop calls <see cref="AfterStep"/> once per step; the mode and interval were chosen
/// by the benchmark in bench/ (numbers in the README).
/// </summary>
public sealed class MemoryHygiene(int everySteps, HygieneMode mode = HygieneMode.Gc)
{
    long _steps;

    /// <summary>Steps between two runs (0: never).</summary>
    public int EverySteps { get; } = everySteps;
    /// <summary>What a run does.</summary>
    public HygieneMode Mode { get; } = mode;

    /// <summary>Counts a step; runs the hygiene every <see cref="EverySteps"/> steps.</summary>
    public void AfterStep()
    {
        if (EverySteps <= 0 || Mode == HygieneMode.None || ++_steps % EverySteps != 0) return;
        Run(Mode);
    }

    /// <param name="aggressive">Also decommit the managed heap's free space (a one-off after loading a dataset).</param>
    public static void Run(HygieneMode mode, bool aggressive = false)
    {
        if (mode is HygieneMode.Gc or HygieneMode.GcAndTrim)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            if (aggressive) GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            else GC.Collect();
        }
        if (mode is HygieneMode.Trim or HygieneMode.GcAndTrim) TrimNativeHeap();
    }

    static bool _trimUnavailable;

    /// <summary>glibc only; a no-op elsewhere (macOS, musl).</summary>
    public static void TrimNativeHeap()
    {
        if (_trimUnavailable || !OperatingSystem.IsLinux()) return;
        try { malloc_trim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _trimUnavailable = true; }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int malloc_trim(nuint pad);
}
