using Adversa.Data;
using Adversa.Adaptation;
using System.Text.Json;
using Adversa.Common;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Dann;

/// <summary>One finished (or resumed-to-finish) training run and its evaluation, as the table needs it.</summary>
public sealed record DannResult(DannOptions Options, AccuracyReport Target, AccuracyReport Source, double Seconds, double ImagesPerSecond, string Checkpoint,
                                AccuracyReport? TargetAdaBn = null, string? Collapse = null);

/// <summary>Training a digit model to the end, evaluating it on both domains (and after AdaBN), and loading the model a checkpoint reports.</summary>
public static class DannRun
{
    /// <summary>Trains (resuming a finished or partial run in <paramref name="outDir"/>) and evaluates on both domains' evaluation parts.</summary>
    /// <param name="adaBn">Also report target accuracy after recalibrating batch norm on the target's unlabelled training images.</param>
    public static DannResult TrainAndEvaluate(DomainData source, DomainData target, DannOptions options, string outDir, IProgressSink progress,
                                              string? logDir = null, CancellationToken cancel = default, bool adaBn = false)
    {
        var trainer = new DannTrainer(source, target, options);
        var result = TrainingLoop.Run(trainer, new LoopOptions(options.Epochs, outDir, Resume: true, LogDir: logDir, Cancel: cancel, RestartIfChanged: true), progress);
        if (!result.Completed) throw new OperationCanceledException($"training stopped; checkpoint {result.CheckpointPath}");
        var model = trainer.Reported;
        var targetReport = Evaluate(model, target.Eval);
        var sourceReport = Evaluate(model, source.Eval);
        var collapse = trainer.CheckCollapse();
        if (collapse is not null) progress.Log(collapse);
        AccuracyReport? adapted = null;
        if (adaBn && options.Mode != AdaptationMethod.TargetOnly)
        {
            BatchNormRecalibration.Apply(model, target.Train, model.Transform);
            adapted = Evaluate(model, target.Eval);
        }
        return new DannResult(trainer.Options, targetReport, sourceReport, result.Seconds, result.ImagesPerSecond, result.CheckpointPath, adapted, collapse);
    }

    /// <summary>Rebuilds the reported DANN model from its checkpoint: the averaged weights when the run averaged them, else the last iterate.</summary>
    /// <remarks>The mean teacher reports its teacher, kept as the checkpoint's "average" module.</remarks>
    public static (DannModel Model, DannOptions Options) LoadModel(string checkpoint)
    {
        var meta = Checkpoint.ReadMeta(checkpoint, DannTrainer.Kind);
        var options = meta["options"].Deserialize<DannOptions>(Checkpoint.OptionsJson) ?? throw new DataFormatException(checkpoint, "no DANN options recorded");
        if (meta["options"]!["average_from"] is null) options = options with { AverageFrom = 1 }; // written before weight averaging existed
        return (WeightAverage.LoadReported(checkpoint, DannTrainer.Kind, () => DannModel.For(options), options.AverageFrom < 1 || options.Mode == AdaptationMethod.MeanTeacher), options);
    }

    /// <summary>Evaluation-mode accuracy of a DANN-network model on a labelled set; leaves the model in evaluation mode.</summary>
    public static AccuracyReport Evaluate(DannModel model, ImageSet set)
    {
        model.eval();
        return Evaluation.Evaluate(model.forward, set, model.Transform);
    }
}
