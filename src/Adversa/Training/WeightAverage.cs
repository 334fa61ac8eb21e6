using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Training;

/// <summary>
/// A running uniform average of a model's weights over the last part of training (Polyak averaging; with a constant
/// learning rate this is SWA, Izmailov et al. 2018): after each optimizer step from a chosen point on, every
/// floating-point parameter and buffer of <see cref="Averaged"/> becomes the mean of the online model's values over
/// those steps (batch-norm running statistics are averaged alike; integer buffers are copied). The averaged model
/// sits in a flatter region than the last iterate, so its accuracy swings less from epoch to epoch. A module itself,
/// with the step count as a buffer, so a checkpoint carries it and a resumed run continues the same average.
/// With a decay d it is an exponential moving average instead (the mean teacher of Tarvainen and Valpola 2017):
/// each step moves the average max(1/n, 1 - d) of the way to the online weights, a uniform mean over the first
/// 1/(1-d) steps and then an exponential one. With <c>parametersOnly</c> the buffers (batch-norm running statistics)
/// are left to the averaged model's own forward passes, as in French et al.'s self-ensembling code, whose teacher
/// follows the student's weights but normalises by the statistics of the target batches it sees itself.
/// </summary>
public sealed class WeightAverage : nn.Module
{
    readonly nn.Module averaged;
    readonly Tensor count;

    /// <summary>Throws the one-line error for an <c>--average-from</c> outside 0-1.</summary>
    public static void CheckStart(double averageFrom)
    {
        if (averageFrom is < 0 or > 1) throw new Common.AdversaException($"--average-from is a point of training progress, 0 to 1 (1 = off), not {averageFrom}");
    }

    /// <summary>The exponential decay per step; null for the uniform average.</summary>
    public double? Decay { get; }

    /// <param name="copy">A freshly built module of the same architecture as the online model (its weights are overwritten).</param>
    /// <param name="decay">Exponential moving average with this decay per step (0-1) instead of the uniform mean.</param>
    /// <param name="parametersOnly">Average the parameters only; the buffers stay what the averaged model's own forward passes make them.</param>
    public WeightAverage(nn.Module copy, double? decay = null, bool parametersOnly = false) : base("WeightAverage")
    {
        ParametersOnly = parametersOnly;
        if (decay is < 0 or >= 1) throw new Common.AdversaException($"--teacher-decay must be at least 0 and below 1, not {decay}");
        Decay = decay;
        averaged = copy;
        count = zeros(1, dtype: ScalarType.Int64);
        register_module("averaged", averaged);
        register_buffer("count", count);
    }

    /// <summary>Only the parameters are averaged, not the buffers.</summary>
    public bool ParametersOnly { get; }

    /// <summary>The averaged model (meaningful once <see cref="Count"/> &gt; 0).</summary>
    public nn.Module Averaged => averaged;

    /// <summary>How many steps have been averaged.</summary>
    public long Count => count.item<long>();

    /// <summary>After optimizer step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>: adds the weights when the step ends past <paramref name="from"/> of training.</summary>
    public void AfterStep(nn.Module online, long step, long totalSteps, double from)
    {
        if ((double)(step + 1) / Math.Max(1, totalSteps) > from) Update(online);
    }

    /// <summary>
    /// The model a checkpoint reports, in eval mode: its weight average (module "average") when the run averaged and
    /// the average holds steps, else the trained model (module "model"). <paramref name="build"/> makes an empty model
    /// of the checkpoint's architecture.
    /// </summary>
    /// <param name="modelKey">The trained model's module name in the checkpoint ("model"; GANs: "generator").</param>
    public static T LoadReported<T>(string checkpoint, string kind, Func<T> build, bool averaged, string modelKey = "model") where T : nn.Module
    {
        var model = build().ToDevice();
        var average = averaged ? new WeightAverage(build().ToDevice()) : null;
        var modules = new Dictionary<string, nn.Module> { [modelKey] = model };
        if (average is not null) modules["average"] = average;
        Checkpoint.LoadModules(checkpoint, kind, modules);
        var reported = average is { Count: > 0 } ? (T)average.Averaged : model;
        reported.eval();
        return reported;
    }

    /// <summary>Makes the average exactly <paramref name="model"/>'s weights, as one averaged step (an imported model reports itself).</summary>
    public void StartFrom(nn.Module model)
    {
        using var noGrad = no_grad();
        var mine = averaged.state_dict();
        foreach (var (name, value) in model.state_dict()) mine[name].copy_(value);
        count.fill_(1);
    }

    /// <summary>Adds the online model's current weights to the average.</summary>
    public void Update(nn.Module online)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long n = Count + 1;
        double step = Decay is double d ? Math.Max(1.0 / n, 1 - d) : 1.0 / n;
        var mine = averaged.state_dict();
        var entries = ParametersOnly ? online.named_parameters().Select(e => (e.name, (Tensor)e.parameter)) : online.state_dict().Select(e => (e.Key, e.Value));
        foreach (var (name, value) in entries)
        {
            var avg = mine[name];
            if (value.is_floating_point()) avg.add_(value.sub(avg), alpha: step); // avg += (x - avg) * step
            else avg.copy_(value);
        }
        count.fill_(n);
    }
}
