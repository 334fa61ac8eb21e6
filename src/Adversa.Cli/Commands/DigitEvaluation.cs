using System.CommandLine;
using Adversa.Adaptation;
using Adversa.Common;
using Adversa.Data;
using static TorchSharp.torch;

namespace Adversa.Cli.Commands;

/// <summary>A trained digit classifier as <c>eval</c> needs it: its logits, input transform, and what its checkpoint recorded.</summary>
public sealed record DigitModel(nn.Module<Tensor, Tensor> Model, ImageTransform Transform, string Target, double Holdout, long Seed);

/// <summary>Shared by <c>dann eval</c> and <c>uda eval</c>: accuracy of a checkpoint on a domain, printed and written as JSON.</summary>
public static class DigitEvaluation
{
    public static Command Command(string defaultRun, string description, Func<string, DigitModel> load)
    {
        var checkpoint = GanCommands.CheckpointOption(defaultRun);
        var domain = new Option<string?>("--domain", "-d") { Description = "Digit dataset to evaluate on (default: the target the checkpoint was trained for)" };
        var part = new Option<string>("--part") { Description = "eval: the held-out/test part used in training reports; train: the training part", DefaultValueFactory = _ => "eval" }.AcceptOnlyFromAmong("eval", "train");
        var holdout = new Option<double?>("--holdout") { Description = "Held-out fraction of a real dataset's training files (default: as recorded in the checkpoint, which gives the same part as training)" }.Check(v => v is null or > 0 and < 1, "between 0 and 1");
        var seed = new Option<long?>("--seed") { Description = "Seed of the data (default: as recorded in the checkpoint)" };
        var adabn = new Option<bool>("--adabn") { Description = "First recalibrate every batch-norm layer on the domain's unlabelled training images (AdaBN)" };
        var output = new Option<string?>("--out", "-o") { Description = "Also write the report (accuracy, per-class accuracy, data) to this JSON file" };
        var (root, limit, threads) = (CommonOptions.DataRoot(), CommonOptions.Limit(), CommonOptions.Threads());
        var cmd = new Command("eval", description).With(checkpoint, domain, part, holdout, seed, adabn, output, root, limit, threads);
        cmd.SetAction(p =>
        {
            if (p.GetValue(output) is { } json) OutputPath.CheckFile(json);
            Runtime.Configure(p.GetValue(threads), 1);
            var path = p.GetValue(checkpoint)!;
            var m = load(path);
            var name = p.GetValue(domain) ?? m.Target;
            using var data = DomainData.Load(name, p.GetValue(root), p.GetValue(limit), p.GetValue(holdout) ?? m.Holdout, p.GetValue(seed) ?? m.Seed);
            var set = p.GetValue(part) == "train" ? data.Train : data.Eval;
            if (p.GetValue(adabn)) BatchNormRecalibration.Apply(m.Model, data.Train, m.Transform);
            m.Model.eval();
            var report = Evaluation.Evaluate(m.Model.forward, set, m.Transform);
            var what = p.GetValue(part) == "train" ? $"{data.Name} training part" : data.EvalDescription;
            p.InvocationConfiguration.Output.WriteLine($"{what}: {report.Describe()}");
            if (p.GetValue(output) is { } file)
            {
                Json.Write(file, new { checkpoint = path, data = what, adabn = p.GetValue(adabn), report });
                p.InvocationConfiguration.Output.WriteLine($"wrote {file}");
            }
            return 0;
        });
        return cmd;
    }
}
