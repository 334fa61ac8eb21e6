using Adversa.Training;

namespace Adversa.Cli;

/// <summary>Runs the shared training loop for a command: Ctrl+C or SIGTERM saves a checkpoint and exits with 130.</summary>
public static class LoopRunner
{
    public static int Run(ITrainer trainer, LoopOptions options, TextWriter output)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        // `kill` (SIGTERM) from a scheduler or a terminal stops the same way: checkpoint, then exit 130.
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cts.Cancel(); });
        try
        {
            var result = TrainingLoop.Run(trainer, options with { Cancel = cts.Token }, Cli.Progress());
            output.WriteLine($"{(result.Completed ? "done" : "interrupted")}: {result.Steps} steps in {result.Seconds:F1} s wall clock, {result.TrainingSeconds:F1} s of them training ({result.ImagesPerSecond:F1} images/s; the rest is end-of-epoch evaluation, plots and checkpoints); checkpoint {result.CheckpointPath}");
            return result.Completed ? 0 : 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
