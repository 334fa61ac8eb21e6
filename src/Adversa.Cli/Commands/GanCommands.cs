using System.CommandLine;
using Adversa.Common;
using Adversa.Data;
using Adversa.Gan;
using Adversa.Metrics;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Cli.Commands;

/// <summary><c>adversa gan train | sample | export</c>: the unconditional DCGAN face generator.</summary>
public static class GanCommands
{
    public static Command Build()
    {
        var gan = new Command("gan", "DCGAN: unconditional 64x64 face generator (train, sample a grid, export weights)");
        gan.Subcommands.Add(Train());
        gan.Subcommands.Add(Sample());
        gan.Subcommands.Add(CheckpointCommand.Export("runs/gan", "generator.pth", "the generator (pytorch/examples/dcgan's Generator: main.0.weight, ...)"));
        gan.Subcommands.Add(Eval());
        return gan;
    }

    static Command Train()
    {
        var t = new GanTrainingOptions("runs/gan", "Run folder: checkpoint.zip, samples/epoch_NNN.png, loss.png");
        var cmd = new Command("train", "Train the DCGAN; writes a sample grid from fixed noise every epoch, a loss curve and a resumable checkpoint").With(t.All);
        cmd.SetAction(p =>
        {
            using var runLock = t.Begin(p);
            using var set = t.LoadFaces(p, "DCGAN");
            var options = new GanTrainOptions(t.Model(p), p.GetValue(t.Epochs), p.GetValue(t.Batch), p.GetValue(t.Lr), p.GetValue(t.Beta1), 0.999,
                                              p.GetValue(t.DecayEvery), p.GetValue(t.DecayFactor), p.GetValue(t.RealLabel), p.GetValue(t.InstanceNoise), p.GetValue(t.Seed), p.GetValue(t.AverageFrom),
                                              DiffAugmentation: p.GetValue(t.DiffAugment)!);
            var trainer = new DcganTrainer(set, options);
            var o = p.InvocationConfiguration.Output;
            o.WriteLine($"DCGAN on {set.Name}: {set.Count:N0} images, {trainer.BatchesPerEpoch} batches of {options.Batch} per epoch, {options.Epochs} epochs");
            return LoopRunner.Run(trainer, t.Loop(p, options.Epochs), o);
        });
        return cmd;
    }

    public static Option<string> CheckpointOption(string defaultRun) => new("--checkpoint", "-c")
    {
        Description = "Checkpoint written by train",
        DefaultValueFactory = _ => Path.Combine(defaultRun, "checkpoint.zip"),
    };

    static Command Sample()
    {
        var checkpoint = CheckpointOption("runs/gan");
        var count = new Option<int>("--count", "-n") { Description = "Number of faces", DefaultValueFactory = _ => 32 }.AtLeast(1);
        var columns = new Option<int>("--columns") { Description = "Faces per row (32 faces in 8 columns = the study's 4x8 grid)", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var output = CommonOptions.Out("gan-samples.png", "PNG file to write");
        var seed = CommonOptions.Seed();
        var outDir = new Option<string?>("--out-dir") { Description = "Also write every face as its own 64x64 PNG (face_0000.png, ...) into this folder: what FID tools and graders read" };
        var cmd = new Command("sample", "Generate a grid of random faces from a trained generator (fixed by --seed)").With(checkpoint, count, columns, output, outDir, seed);
        cmd.SetAction(p =>
        {
            OutputPath.CheckFile(p.GetValue(output)!);
            if (p.GetValue(outDir) is { } dir) OutputPath.CheckFolder(dir, "--out-dir");
            var g = DcganTrainer.LoadReported(p.GetValue(checkpoint)!);
            using var gen = new Generator((ulong)p.GetValue(seed));
            using var z = randn([p.GetValue(count), g.parameters().First().shape[0]], generator: gen);
            using var images = DcganTrainer.Faces(g, z);
            Plots.ImageGrid.SavePng(p.GetValue(output)!, images, p.GetValue(columns));
            p.InvocationConfiguration.Output.WriteLine($"wrote {p.GetValue(output)}");
            if (p.GetValue(outDir) is { } folder)
            {
                Plots.ImageGrid.SaveEach(folder, images, i => $"face_{i:D4}.png");
                p.InvocationConfiguration.Output.WriteLine($"wrote {images.shape[0]} faces to {folder}");
            }
            return 0;
        });
        return cmd;
    }

    static Command Eval()
    {
        var checkpoint = CheckpointOption("runs/gan");
        var data = new Option<string?>("--data") { Description = "Real faces to compare with (default: the dataset the model was trained on)" };
        var split = new Option<string>("--split") { Description = "Split of the real faces", DefaultValueFactory = _ => "all" };
        var samples = new Option<int>("--samples") { Description = "Images per compared set (capped at half the real images, which the real-vs-real floor splits in two)", DefaultValueFactory = _ => 5000 }.AtLeast(2);
        var size = new Option<int>("--feature-size") { Description = "Side length images are resized to before the ResNet18 (224 = ImageNet's; 112 is 4x faster)", DefaultValueFactory = _ => 112 }.Between(32, 512);
        var (root, limit, seed, threads) = (CommonOptions.DataRoot(), CommonOptions.Limit(), CommonOptions.Seed(), CommonOptions.Threads());
        var output = CommonOptions.Out("gan-eval.json", "JSON file for the scores");
        var cmd = new Command("eval", "FID and KID (ResNet18 features) of generated faces against real ones, with the real-vs-real floor")
            .With(checkpoint, data, split, samples, size, root, limit, output, seed, threads);
        cmd.SetAction(p =>
        {
            Runtime.Configure(p.GetValue(threads), p.GetValue(seed));
            OutputPath.CheckFile(p.GetValue(output)!);
            var path = p.GetValue(checkpoint)!;
            var g = DcganTrainer.LoadReported(path);
            var dataName = p.GetValue(data) ?? (string?)Checkpoint.ReadMeta(path)["options"]?["data"] ?? "synth-faces";
            using var real = DatasetCatalog.Load(new DatasetRequest(dataName, p.GetValue(split)!, p.GetValue(limit), p.GetValue(root), p.GetValue(seed) + 1000));
            var report = FidReport.Evaluate(real.Images, n => DcganTrainer.GenerateBytes(g, n, p.GetValue(seed)), p.GetValue(samples),
                                            new FeatureExtractor(p.GetValue(size)), p.GetValue(seed), Cli.Progress());
            var o = p.InvocationConfiguration.Output;
            o.WriteLine($"{dataName}: {report.Describe()}");
            o.WriteLine(report.DescribeReferences());
            o.WriteLine($"note: {FidReport.Caveat}");
            Json.Write(p.GetValue(output)!, new { checkpoint = path, data = dataName, report, note = FidReport.Caveat });
            o.WriteLine($"wrote {p.GetValue(output)}");
            return 0;
        });
        return cmd;
    }


}
