using Adversa.Adaptation;
using System.Text.Json;
using Adversa.Common;
using Adversa.Data;
using Adversa.Training;

namespace Adversa.Uda;

/// <summary>One finished improved-UDA run and its evaluation.</summary>
public sealed record UdaResult(UdaOptions Options, AccuracyReport Target, AccuracyReport Source, double Seconds, double ImagesPerSecond, string Checkpoint);

/// <summary>Training an improved-UDA model to the end, evaluating it, and loading the model a checkpoint reports.</summary>
public static class UdaRun
{
    /// <summary>The accuracy table's row name for this model.</summary>
    public const string RowName = "improved UDA (ResNet18)";

    /// <summary>Trains (resuming a finished or partial run in <paramref name="outDir"/>) and evaluates the reported model on both domains.</summary>
    public static UdaResult TrainAndEvaluate(DomainData source, DomainData target, UdaOptions options, string outDir, IProgressSink progress,
                                             string? logDir = null, CancellationToken cancel = default)
    {
        using var trainer = new UdaTrainer(source, target, options, progress);
        var result = TrainingLoop.Run(trainer, new LoopOptions(options.Epochs, outDir, Resume: true, LogDir: logDir, Cancel: cancel, RestartIfChanged: true), progress);
        if (!result.Completed) throw new OperationCanceledException($"training stopped; checkpoint {result.CheckpointPath}");
        return new UdaResult(options, trainer.Evaluate(target), trainer.Evaluate(source), result.Seconds, result.ImagesPerSecond, result.CheckpointPath);
    }

    /// <summary>Rebuilds the reported UDA model (architecture from the recorded options, weights from the checkpoint: the averaged ones when the run averaged them) in eval mode.</summary>
    public static (UdaModel Model, UdaOptions Options, ImageTransform Transform) LoadModel(string checkpoint)
    {
        var meta = Checkpoint.ReadMeta(checkpoint, UdaTrainer.Kind);
        var options = meta["options"].Deserialize<UdaOptions>(Checkpoint.OptionsJson) ?? throw new DataFormatException(checkpoint, "no UDA options recorded");
        if (meta["options"]!["average_from"] is null) options = options with { AverageFrom = 1 }; // written before weight averaging existed
        var model = WeightAverage.LoadReported(checkpoint, UdaTrainer.Kind, () => options.CreateModel(options.Backbone.CreateEmpty()), options.AverageFrom < 1);
        return (model, options, options.Transform());
    }
}
