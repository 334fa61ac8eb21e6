namespace Adversa.Training;

/// <summary>
/// Keeps resident memory flat during long training. Even with every step inside a dispose scope (zero live
/// tensors), glibc's allocator fragments around the small native objects that TorchSharp releases through
/// finalizers, and RSS grows by megabytes per step. A periodic full, compacting collection runs those
/// finalizers and lets malloc reuse the space. Measured cost and the interval are in bench/ and the README.
/// </summary>
public sealed class MemoryHygiene(int everySteps)
{
    long _steps;

    public int EverySteps { get; } = everySteps;

    /// <summary>Call once per training step.</summary>
    public void AfterStep()
    {
        if (EverySteps <= 0 || ++_steps % EverySteps != 0) return;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
