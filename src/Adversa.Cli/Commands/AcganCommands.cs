using System.CommandLine;
using System.Text.Json;
using Adversa.Acgan;
using Adversa.Common;
using Adversa.Data;
using Adversa.Gan;
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
        var data = new Option<string>("--data") { Description = "Training faces: synth-faces (embedded) or celeba (needs --data-root)", DefaultValueFactory = _ => "synth-faces" };
        var split = new Option<string>("--split") { Description = "CelebA split to train on", DefaultValueFactory = _ => "all" };
        var attrs = AttributeOption("Attribute(s) to condition on; repeat for several (names as in the dataset, e.g. Smiling, Male, Eyeglasses)");
        var (root, limit, seed, threads, device) = (CommonOptions.DataRoot(), CommonOptions.Limit(), CommonOptions.Seed(), CommonOptions.Threads(), CommonOptions.Device());
        var (epochs, batch) = (CommonOptions.Epochs(5), CommonOptions.Batch(64));
        var output = CommonOptions.Out("runs/acgan", "Run folder: checkpoint.zip, samples/epoch_NNN.png (off/on pairs), loss.png");
        var lr = new Option<double>("--lr") { Description = "Adam learning rate for G and D", DefaultValueFactory = _ => 2e-4 };
        var decayEvery = new Option<int>("--lr-decay-every") { Description = "Halve the learning rate every N epochs (0: never; the study used 40)", DefaultValueFactory = _ => 0 };
        var aux = new Option<double>("--aux-weight") { Description = "Weight of the auxiliary attribute loss", DefaultValueFactory = _ => 1.0 };
        var nz = new Option<int>("--nz") { Description = "Latent size", DefaultValueFactory = _ => 100 };
        var ngf = new Option<int>("--ngf") { Description = "Generator width", DefaultValueFactory = _ => 64 };
        var ndf = new Option<int>("--ndf") { Description = "Discriminator width", DefaultValueFactory = _ => 64 };
        var resume = new Option<bool>("--resume") { Description = "Continue from <out>/checkpoint.zip exactly where it stopped" };
        var logdir = new Option<string?>("--logdir") { Description = "Also write TensorBoard scalars to this folder" };
        var realLabel = new Option<double>("--real-label") { Description = "Target for real images in D's loss (1 = plain; 0.9 = one-sided label smoothing)", DefaultValueFactory = _ => 1.0 };
        var instanceNoise = new Option<double>("--instance-noise") { Description = "Std of Gaussian noise added to every image D sees (0 = off)", DefaultValueFactory = _ => 0.0 };
        var cmd = new Command("train", "Train the ACGAN; writes off/on sample pairs every epoch, a loss curve and a resumable checkpoint")
            .With(data, split, attrs, root, limit, epochs, batch, lr, decayEvery, aux, nz, ngf, ndf, realLabel, instanceNoise, output, resume, logdir, seed, threads, device);
        cmd.SetAction(p =>
        {
            CommonOptions.Configure(p, threads, seed, device);
            using var set = DatasetCatalog.Load(new DatasetRequest(p.GetValue(data)!, p.GetValue(split)!, p.GetValue(limit), p.GetValue(root), p.GetValue(seed)));
            if (set.Height != 64 || set.Channels != 3) throw new AdversaException($"{set.Name} is {set.Channels}x{set.Height}x{set.Width}; the ACGAN needs 3x64x64 faces");
            var options = new AcganTrainOptions(new DcganOptions(p.GetValue(nz), p.GetValue(ngf), p.GetValue(ndf)), p.GetValue(attrs)!,
                p.GetValue(epochs), p.GetValue(batch), p.GetValue(lr), 0.5, p.GetValue(decayEvery), 0.5, p.GetValue(aux),
                p.GetValue(realLabel), p.GetValue(instanceNoise), p.GetValue(seed));
            var trainer = new AcganTrainer(set, options);
            var o = p.InvocationConfiguration.Output;
            o.WriteLine($"ACGAN on {set.Name} conditioned on {string.Join(", ", options.Attributes)}: {set.Count:N0} images, {trainer.BatchesPerEpoch} batches of {options.Batch} per epoch");
            return LoopRunner.Run(trainer, new LoopOptions(options.Epochs, p.GetValue(output)!, p.GetValue(resume), 10, p.GetValue(logdir)), o);
        });
        return cmd;
    }

    /// <summary>Rebuilds an ACGAN generator from its checkpoint; returns it with the attribute names it was trained on.</summary>
    public static (DcganGenerator G, string[] Attributes) LoadGenerator(string checkpoint)
    {
        var meta = Checkpoint.ReadMeta(checkpoint);
        var options = meta["options"]?.Deserialize<AcganTrainOptions>() ?? throw new DataFormatException(checkpoint, "no ACGAN options recorded");
        var g = AcganGenerator.Create(options.Model);
        Checkpoint.LoadModules(checkpoint, AcganTrainer.Kind, new Dictionary<string, nn.Module> { ["generator"] = g });
        g.eval();
        return (g, options.Attributes);
    }

    static Command Eval()
    {
        var checkpoint = GanCommands.CheckpointOption("runs/acgan");
        var data = new Option<string?>("--data") { Description = "Real faces with attributes to train the judge on (default: the model's training set)" };
        var attrs = new Option<string[]>("--attribute", "-a") { Description = "Attribute(s) to judge (default: all the model was trained on)" };
        var pairs = new Option<int>("--pairs", "-m") { Description = "Noise vectors, each generated with the attribute off and on", DefaultValueFactory = _ => 1000 };
        var epochs = new Option<int>("--classifier-epochs") { Description = "Epochs of the attribute classifier on real faces", DefaultValueFactory = _ => 3 };
        var (root, limit, seed, threads) = (CommonOptions.DataRoot(), CommonOptions.Limit(), CommonOptions.Seed(), CommonOptions.Threads());
        var output = CommonOptions.Out("acgan-eval", "Folder for attribute-control.json and attribute-control.txt");
        var cmd = new Command("eval", "Attribute control: a classifier trained on real faces judges generated off/on pairs (accuracies and pair flip rate)")
            .With(checkpoint, data, attrs, pairs, epochs, root, limit, output, seed, threads);
        cmd.SetAction(p =>
        {
            Runtime.Configure(p.GetValue(threads), p.GetValue(seed));
            var path = p.GetValue(checkpoint)!;
            var (g, trained) = LoadGenerator(path);
            var dataName = p.GetValue(data) ?? (string?)Checkpoint.ReadMeta(path)["options"]?["data"] ?? "synth-faces";
            using var real = DatasetCatalog.Load(new DatasetRequest(dataName, "all", p.GetValue(limit), p.GetValue(root), p.GetValue(seed) + 1000));
            var wanted = p.GetValue(attrs) is { Length: > 0 } a ? a : trained;
            var reports = Metrics.AttributeControlEvaluation.Evaluate(g, trained, wanted, real, p.GetValue(pairs), p.GetValue(epochs), p.GetValue(seed), Cli.Progress());
            var dir = p.GetValue(output)!;
            Json.Write(Path.Combine(dir, "attribute-control.json"), new { checkpoint = path, data = dataName, reports });
            var text = string.Join(Environment.NewLine, reports.Select(r => r.Describe()));
            File.WriteAllText(Path.Combine(dir, "attribute-control.txt"), text + Environment.NewLine);
            var o = p.InvocationConfiguration.Output;
            o.WriteLine(text);
            o.WriteLine($"wrote {Path.Combine(dir, "attribute-control.json")} and attribute-control.txt");
            return 0;
        });
        return cmd;
    }

    static Command Sample()
    {
        var checkpoint = GanCommands.CheckpointOption("runs/acgan");
        var pairs = new Option<int>("--pairs") { Description = "Number of off/on pairs (columns)", DefaultValueFactory = _ => 10 };
        var attrs = AttributeOption("Attribute to switch off (top row) and on (bottom row); repeat to write one figure per attribute");
        var output = CommonOptions.Out("acgan-pairs.png", "PNG file to write (with several attributes: one file per attribute, suffixed with its name)");
        var seed = CommonOptions.Seed();
        var cmd = new Command("sample", "Pairs of faces from the same noise with an attribute off (top row) and on (bottom row)").With(checkpoint, pairs, attrs, output, seed);
        cmd.SetAction(p =>
        {
            var (g, trained) = LoadGenerator(p.GetValue(checkpoint)!);
            int n = p.GetValue(pairs);
            if (n < 1) throw new AdversaException("--pairs must be at least 1");
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
                AcganTrainer.SavePairs(g, z, trained.Length, index, path, p.GetValue(seed));
                p.InvocationConfiguration.Output.WriteLine($"wrote {path} (top: {trained[index]} off, bottom: on)");
            }
            return 0;
        });
        return cmd;
    }
}
