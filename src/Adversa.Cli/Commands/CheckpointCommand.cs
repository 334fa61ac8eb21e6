using Adversa.Interop;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Adversa.Common;
using Adversa.Training;

namespace Adversa.Cli.Commands;

/// <summary>
/// <c>adversa checkpoint show FILE</c>: what a checkpoint holds, without unzipping it by hand; <c>checkpoint import</c>: a
/// PyTorch state_dict written by any <c>export</c> command back into a checkpoint. Each family's <c>export</c> is <see cref="Export"/>.
/// </summary>
public static class CheckpointCommand
{
    public static Command Build()
    {
        var file = new Argument<string>("file") { Description = "A checkpoint.zip written by any train command" };
        var json = new Option<bool>("--json") { Description = "Print the checkpoint's meta.json (kind, options, position, metric history) instead of the summary" };
        var show = new Command("show", "Kind, training options, epoch and step, the last value of every logged metric, and the file's size and contents");
        show.Arguments.Add(file);
        show.Options.Add(json);
        show.SetAction(p =>
        {
            var path = p.GetValue(file)!;
            var meta = Checkpoint.ReadMeta(path);
            var o = p.InvocationConfiguration.Output;
            if (p.GetValue(json))
            {
                o.WriteLine(meta.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            var inv = CultureInfo.InvariantCulture;
            o.WriteLine($"{path}: {Checkpoint.Describe((string?)meta["kind"])}, {new FileInfo(path).Length / 1e6:F1} MB, saved {(string?)meta["saved_utc"]}");
            o.WriteLine($"position: {(long?)meta["epoch"]} epoch(s) done, batch {(long?)meta["batch_in_epoch"]} of the next, {(long?)meta["step"]:N0} steps");
            using (var zip = System.IO.Compression.ZipFile.OpenRead(path))
                o.WriteLine($"holds: {string.Join(", ", zip.Entries.Where(e => e.FullName.StartsWith("modules/") || e.FullName.StartsWith("optimizers/")).Select(e => $"{e.FullName} ({e.Length / 1e6:F1} MB)"))}");
            o.WriteLine("options:");
            foreach (var (key, value) in meta["options"]?.AsObject() ?? [])
                o.WriteLine($"  {key} = {value?.ToJsonString()}");
            if (meta["history"]?.AsObject() is { Count: > 0 } history)
            {
                o.WriteLine("metrics (last value, mean of the last 100 steps):");
                foreach (var (key, value) in history)
                {
                    var values = value!.AsArray().Select(v => v is null ? double.NaN : (double)v).ToList();
                    if (values.Count == 0) continue;
                    o.WriteLine(string.Create(inv, $"  {key} = {values[^1]:G4} ({values.TakeLast(100).Average():G4})"));
                }
            }
            return 0;
        });
        var cmd = new Command("checkpoint", "Inspect checkpoints; import exported PyTorch weights");
        cmd.Subcommands.Add(show);
        cmd.Subcommands.Add(Import());
        return cmd;
    }

    /// <summary>The <c>export</c> command of one model family (gan, acgan, dann, uda): the same code, its own defaults and wording.</summary>
    public static Command Export(string defaultRun, string defaultOut, string what)
    {
        var checkpoint = GanCommands.CheckpointOption(defaultRun);
        var output = CommonOptions.Out(defaultOut, "PyTorch state_dict file (torch.save format); the options and every key's shape go beside it as the same name with .json");
        var cmd = new Command("export", $"Write {what} as a PyTorch .pth state_dict (keys and shapes in the README, 'Models out and in'), with a .json sidecar that `adversa checkpoint import` reads")
            .With(checkpoint, output);
        cmd.SetAction(p =>
        {
            OutputPath.CheckFile(p.GetValue(output)!);
            OutputPath.CheckFile(PyTorchWeights.SidecarPath(p.GetValue(output)!));
            var r = PyTorchWeights.Export(p.GetValue(checkpoint)!, p.GetValue(output)!);
            p.InvocationConfiguration.Output.WriteLine($"wrote {r.Weights} ({r.Tensors} tensors, {r.Kind}) and {r.Sidecar}");
            return 0;
        });
        return cmd;
    }

    static Command Import()
    {
        var weights = new Argument<string>("weights") { Description = "A .pth written by an export command, with its .json sidecar beside it" };
        var output = CommonOptions.Out("imported/checkpoint.zip", "Checkpoint to write (sample, eval, predict and tsne read it; training cannot resume from it)");
        var cmd = new Command("import", "Turn exported PyTorch weights (e.g. after fine-tuning in PyTorch) back into an Adversa checkpoint").With(output);
        cmd.Arguments.Add(weights);
        cmd.SetAction(p =>
        {
            OutputPath.CheckFile(p.GetValue(output)!);
            var kind = PyTorchWeights.Import(p.GetValue(weights)!, p.GetValue(output)!);
            p.InvocationConfiguration.Output.WriteLine($"wrote {p.GetValue(output)} ({Checkpoint.Describe(kind)})");
            return 0;
        });
        return cmd;
    }
}
