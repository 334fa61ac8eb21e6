using System.CommandLine;
using Adversa.Acgan;
using Adversa.Common;
using Adversa.Data;
using Adversa.Metrics;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Cli.Commands;

/// <summary><c>adversa acgan train | sample</c>: the attribute-conditioned generator.</summary>
public static class AcganCommands
{
    public static Command Build()
    {
        var acgan = new Command("acgan", "ACGAN: faces conditioned on binary attributes (e.g. Smiling); off/on pairs from the same noise");
        acgan.Subcommands.Add(Train());
        acgan.Subcommands.Add(Sample());
        acgan.Subcommands.Add(Eval());
        acgan.Subcommands.Add(CheckpointCommand.Export("runs/acgan", "acgan-generator.pth", "the conditional generator (the DCGAN generator with noise + attribute inputs)"));
        return acgan;
    }

    static Option<string[]> AttributeOption(string description) => new("--attribute", "-a")
    {
        Description = description,
        DefaultValueFactory = _ => ["Smiling"],
        AllowMultipleArgumentsPerToken = false,
    };

    static Command Train()
    {
        var t = new GanTrainingOptions("runs/acgan", "Run folder: checkpoint.zip, samples/epoch_NNN.png (off/on pairs), loss.png");
        var attrs = AttributeOption("Attribute(s) to condition on; repeat for several (names as in the dataset, e.g. Smiling, Male, Eyeglasses)");
        var aux = new Option<double>("--aux-weight") { Description = "Weight of the auxiliary attribute loss", DefaultValueFactory = _ => 1.0 }.Between(0, 100);
        var cmd = new Command("train", "Train the ACGAN; writes off/on sample pairs every epoch, a loss curve and a resumable checkpoint")
            .With([attrs, aux, .. t.All]);
        cmd.SetAction(p =>
        {
            using var runLock = t.Begin(p);
            using var set = t.LoadFaces(p, "ACGAN");
            var options = new AcganTrainOptions(t.Model(p), p.GetValue(attrs)!, p.GetValue(t.Epochs), p.GetValue(t.Batch), p.GetValue(t.Lr), p.GetValue(t.Beta1),
                p.GetValue(t.DecayEvery), p.GetValue(t.DecayFactor), p.GetValue(aux), p.GetValue(t.RealLabel), p.GetValue(t.InstanceNoise), p.GetValue(t.Seed), p.GetValue(t.AverageFrom),
                DiffAugmentation: p.GetValue(t.DiffAugment)!);
            var trainer = new AcganTrainer(set, options);
            var o = p.InvocationConfiguration.Output;
            o.WriteLine($"ACGAN on {set.Name} conditioned on {string.Join(", ", options.Attributes)}: {set.Count:N0} images, {trainer.BatchesPerEpoch} batches of {options.Batch} per epoch");
            return LoopRunner.Run(trainer, t.Loop(p, options.Epochs), o);
        });
        return cmd;
    }

    static Command Eval()
    {
        var checkpoint = GanCommands.CheckpointOption("runs/acgan");
        var data = new Option<string?>("--data") { Description = "Real faces with attributes to train the judge on (default: the model's training set)" };
        var attrs = new Option<string[]>("--attribute", "-a") { Description = "Attribute(s) to judge (default: all the model was trained on)" };
        var pairs = new Option<int>("--count", "-n", "--pairs") { Description = "Pairs to judge: noise vectors, each generated with the attribute off and on", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        var epochs = new Option<int>("--classifier-epochs") { Description = "Epochs of the attribute classifier on real faces", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var fidSamples = new Option<int>("--fid-samples") { Description = "Also FID and KID (ResNet18 features, with the real-vs-real floor) of this many generated faces, half with the first attribute off and half on, against the real faces (capped at half of them); 0 = skip", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var featureSize = new Option<int>("--feature-size") { Description = "Side length images are resized to before the ResNet18 for FID (224 = ImageNet's; 112 is 4x faster)", DefaultValueFactory = _ => 112 }.Between(32, 512);
        var (root, limit, seed, threads) = (CommonOptions.DataRoot(), CommonOptions.Limit(), CommonOptions.Seed(), CommonOptions.Threads());
        var output = CommonOptions.Out("acgan-eval.json", "JSON file for the scores (as every eval command writes)");
        var cmd = new Command("eval", "Attribute control: a classifier trained on real faces judges generated off/on pairs (accuracies and pair flip rate); with --fid-samples also FID/KID")
            .With(checkpoint, data, attrs, pairs, epochs, fidSamples, featureSize, root, limit, output, seed, threads);
        cmd.SetAction(p =>
        {
            Runtime.Configure(p.GetValue(threads), p.GetValue(seed));
            OutputPath.CheckFile(p.GetValue(output)!);
            var path = p.GetValue(checkpoint)!;
            var (g, trained) = AcganTrainer.LoadReported(path);
            var dataName = p.GetValue(data) ?? (string?)Checkpoint.ReadMeta(path)["options"]?["data"] ?? "synth-faces";
            using var real = DatasetCatalog.Load(new DatasetRequest(dataName, "all", p.GetValue(limit), p.GetValue(root), p.GetValue(seed) + 1000));
            var wanted = p.GetValue(attrs) is { Length: > 0 } a ? a : trained;
            var reports = Metrics.AttributeControlEvaluation.Evaluate(g, trained, wanted, real, p.GetValue(pairs), p.GetValue(epochs), p.GetValue(seed), Cli.Progress());
            var fid = p.GetValue(fidSamples) > 0
                ? FidReport.Evaluate(real.Images, n => AcganTrainer.GenerateBytes(g, trained.Length, n, p.GetValue(seed)), p.GetValue(fidSamples),
                                     new FeatureExtractor(p.GetValue(featureSize)), p.GetValue(seed), Cli.Progress())
                : null;
            Json.Write(p.GetValue(output)!, new { checkpoint = path, data = dataName, reports, fid, note = fid is null ? null : FidReport.Caveat });
            var o = p.InvocationConfiguration.Output;
            foreach (var r in reports) o.WriteLine(r.Describe());
            if (fid is not null) o.WriteLine($"{dataName}: {fid.Describe()} ({trained[0]} off for half, on for half)\n{fid.DescribeReferences()}");
            o.WriteLine($"wrote {p.GetValue(output)}");
            return 0;
        });
        return cmd;
    }

    static Command Sample()
    {
        var checkpoint = GanCommands.CheckpointOption("runs/acgan");
        var pairs = new Option<int>("--count", "-n", "--pairs") { Description = "Number of off/on pairs (columns)", DefaultValueFactory = _ => 10 };
        var attrs = AttributeOption("Attribute to switch off (top row) and on (bottom row); repeat to write one figure per attribute");
        var output = CommonOptions.Out("acgan-pairs.png", "PNG file to write (with several attributes: one file per attribute, suffixed with its name)");
        var seed = CommonOptions.Seed();
        var outDir = new Option<string?>("--out-dir") { Description = "Also write every face as its own 64x64 PNG into this folder (ATTRIBUTE_off_0000.png, ATTRIBUTE_on_0000.png, ...: the same number is the same noise)" };
        var cmd = new Command("sample", "Pairs of faces from the same noise with an attribute off (top row) and on (bottom row)").With(checkpoint, pairs, attrs, output, outDir, seed);
        cmd.SetAction(p =>
        {
            OutputPath.CheckFile(p.GetValue(output)!);
            if (p.GetValue(outDir) is { } dir) OutputPath.CheckFolder(dir, "--out-dir");
            var (g, trained) = AcganTrainer.LoadReported(p.GetValue(checkpoint)!);
            int n = p.GetValue(pairs);
            var wanted = p.GetValue(attrs)!;
            var latent = g.parameters().First().shape[0] - trained.Length;
            using var gen = new Generator((ulong)p.GetValue(seed));
            using var z = randn([n, latent], generator: gen);
            foreach (var attribute in wanted)
            {
                int index = Array.FindIndex(trained, a => a.Equals(attribute, StringComparison.OrdinalIgnoreCase));
                if (index < 0) throw new AdversaException($"this model was trained on {string.Join(", ", trained)}, not '{attribute}'");
                var path = p.GetValue(output)!;
                if (wanted.Length > 1) path = Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}-{trained[index]}.png");
                using var faces = AcganTrainer.PairBytes(g, z, trained.Length, index, p.GetValue(seed));
                AcganTrainer.SavePairs(faces, path);
                p.InvocationConfiguration.Output.WriteLine($"wrote {path} (top: {trained[index]} off, bottom: on)");
                if (p.GetValue(outDir) is { } folder)
                {
                    Plots.ImageGrid.SaveEach(folder, faces, i => $"{trained[index]}_{(i < n ? "off" : "on")}_{i % n:D4}.png");
                    p.InvocationConfiguration.Output.WriteLine($"wrote {faces.shape[0]} faces to {folder}");
                }
            }
            return 0;
        });
        return cmd;
    }
}
