using Adversa.Common;
using System.Diagnostics;
using Adversa.Data;
using Adversa.Plots;

namespace Adversa.Training;

/// <summary>What a model family gives the shared loop: its state, its batches and one optimisation step.</summary>
public interface ITrainer
{
    /// <summary>A checkpoint object holding this trainer's modules, optimizers and options.</summary>
    Checkpoint State { get; }
    /// <inheritdoc/>
    int BatchesPerEpoch { get; }
    /// <inheritdoc/>
    int ImagesPerStep { get; }
    /// <inheritdoc/>
    IEnumerable<Batch> Batches(int epoch, int skipBatches);
    /// <summary>One optimisation step; returns the metrics to log (losses, accuracies...).</summary>
    IReadOnlyList<(string Name, double Value)> Step(Batch batch, int epoch, long step);
    /// <summary>End-of-epoch work: sample grids, evaluation. Must not touch the global RNG.</summary>
    void EndEpoch(int epoch, string outDir, IProgressSink progress);
    /// <summary>What the last <see cref="EndEpoch"/> measured (evaluation accuracies), for TensorBoard as "eval/NAME" per epoch.</summary>
    IReadOnlyList<(string Name, double Value)> EpochMetrics => [];
    /// <summary>The sample grid the last <see cref="EndEpoch"/> wrote (a PNG), for TensorBoard's images tab as "samples"; null: none.</summary>
    string? EpochImage => null;
}

/// <param name="Resume">Continue from OutDir/checkpoint.zip when it exists (else start from scratch).</param>
/// <param name="RestartIfChanged">With <paramref name="Resume"/>: a checkpoint trained under other settings is discarded and training starts
/// again (the table and reproduce key runs by settings); false: such a resume is refused with the differing settings named.</param>
public sealed record LoopOptions(
    int Epochs,
    string OutDir,
    bool Resume = false,
    int GcEvery = 10,
    string? LogDir = null,
    long? StopAfterSteps = null,
    CancellationToken Cancel = default,
    bool RestartIfChanged = false);

/// <param name="Seconds">Wall clock of this run of the loop (training, end-of-epoch evaluation, plots, checkpoints).</param>
/// <param name="TrainingSeconds">The part of it spent preparing batches and stepping.</param>
/// <param name="ImagesPerSecond">Training throughput: images stepped on per second of <paramref name="TrainingSeconds"/>.</param>
public sealed record LoopResult(bool Completed, long Steps, double Seconds, double TrainingSeconds, double ImagesPerSecond, string CheckpointPath);

/// <summary>
/// The one training loop every problem uses: epochs of batches, a dispose scope per step, periodic memory
/// hygiene, progress, TensorBoard scalars, a loss-curve PNG, and an atomic checkpoint at every epoch end and on
/// interruption. A run interrupted at any step and resumed ends with exactly the weights of an uninterrupted run.
/// </summary>
public static class TrainingLoop
{
    /// <summary>Where a run folder's checkpoint is.</summary>
    public static string CheckpointPath(string outDir) => Path.Combine(outDir, "checkpoint.zip");

    /// <summary>Trains to the end (or to a stop), resuming from the folder's checkpoint when asked.</summary>
    public static LoopResult Run(ITrainer trainer, LoopOptions o, IProgressSink progress)
    {
        using var runLock = RunLock.Acquire(o.OutDir);
        var ckptPath = CheckpointPath(o.OutDir);
        var state = trainer.State;
        if (o.Resume && File.Exists(ckptPath) && Checkpoint.ChangedSettings(ckptPath, state) is { Count: > 0 } changed)
        {
            if (!o.RestartIfChanged)
                throw new Common.AdversaException($"{ckptPath}: cannot resume: it was trained with other settings ({string.Join("; ", changed)}); " +
                                                  "rerun with the recorded settings, or use another --out (or drop --resume) to start afresh");
            progress.Log($"{ckptPath} was trained with other settings ({string.Join("; ", changed)}): starting again");
            File.Delete(ckptPath);
        }
        if (o.Resume && File.Exists(ckptPath))
        {
            state.Restore(ckptPath);
            progress.Log($"resumed from {ckptPath} at epoch {state.Epoch + 1}, batch {state.BatchInEpoch}, step {state.Step}");
        }
        else if (o.Resume)
            progress.Log($"no checkpoint at {ckptPath}; starting from scratch");

        var hygiene = new MemoryHygiene(o.GcEvery);
        var writer = o.LogDir is null ? null : TorchSharp.torch.utils.tensorboard.SummaryWriter(o.LogDir);
        var clock = Stopwatch.StartNew();
        var training = new Stopwatch(); // batches and steps only: the throughput the progress line and result report
        long stepsThisRun = 0;
        int total = trainer.BatchesPerEpoch;
        while (state.Epoch < o.Epochs)
        {
            int epoch = state.Epoch;
            progress.Start($"epoch {epoch + 1}/{o.Epochs}", total);
            progress.Update(state.BatchInEpoch);
            training.Start();
            foreach (var batch in trainer.Batches(epoch, state.BatchInEpoch))
            {
                IReadOnlyList<(string Name, double Value)> metrics;
                using (var scope = TorchSharp.torch.NewDisposeScope())
                using (batch)
                    metrics = trainer.Step(batch, epoch, state.Step);
                state.Step++;
                state.BatchInEpoch++;
                stepsThisRun++;
                foreach (var (name, value) in metrics)
                {
                    if (!state.History.TryGetValue(name, out var list)) state.History[name] = list = [];
                    list.Add(value);
                    writer?.add_scalar(name, (float)value, (int)state.Step);
                }
                double rate = stepsThisRun * trainer.ImagesPerStep / Math.Max(1e-9, training.Elapsed.TotalSeconds);
                progress.Update(state.BatchInEpoch, [.. metrics, ("img/s", rate)]);
                hygiene.AfterStep();
                if (o.Cancel.IsCancellationRequested || (o.StopAfterSteps is long stop && stepsThisRun >= stop))
                {
                    training.Stop();
                    progress.Finish();
                    state.Save(ckptPath);
                    progress.Log($"stopped at epoch {epoch + 1}, batch {state.BatchInEpoch}; checkpoint {ckptPath} (continue with --resume)");
                    return Result(false);
                }
            }
            training.Stop();
            progress.Finish();
            state.Epoch++;
            state.BatchInEpoch = 0;
            trainer.EndEpoch(epoch, o.OutDir, progress);
            foreach (var (name, value) in trainer.EpochMetrics) writer?.add_scalar($"eval/{name}", (float)value, epoch + 1);
            if (writer is not null && trainer.EpochImage is { } image && File.Exists(image)) AddImage(writer, image, epoch + 1);
            LossCurve.Save(Path.Combine(o.OutDir, "loss.png"), state.History, trainer.BatchesPerEpoch);
            state.Save(ckptPath);
            progress.Log($"epoch {epoch + 1}/{o.Epochs}: {Summary(state, total)}; checkpoint {ckptPath}");
        }
        return Result(true);

        LoopResult Result(bool completed) =>
            new(completed, stepsThisRun, clock.Elapsed.TotalSeconds, training.Elapsed.TotalSeconds,
                stepsThisRun * trainer.ImagesPerStep / Math.Max(1e-9, training.Elapsed.TotalSeconds), ckptPath);
    }

    /// <summary>A PNG written by the trainer, as an image event (TensorBoard's images tab, one slider position per epoch).</summary>
    static void AddImage(TorchSharp.Modules.SummaryWriter writer, string png, int epoch)
    {
        var (pixels, width, height) = ImageCodec.Decode(File.ReadAllBytes(png), 3, png);
        using var hwc = TorchSharp.torch.tensor(pixels, [height, width, 3]);
        writer.add_img("samples", hwc, epoch, dataformats: "HWC");
    }

    static string Summary(Checkpoint state, int lastSteps) =>
        string.Join(", ", state.History.Select(kv => $"{kv.Key} {kv.Value.TakeLast(lastSteps).DefaultIfEmpty().Average():G4}"));
}
