using Adversa.Common;
using Adversa.Cli.Commands;
using Adversa.Data;
using Adversa.Tests.Fixtures;
using System.CommandLine;

namespace Adversa.Tests.Cli;

/// <summary>Runs the real command tree in-process and checks exit codes and messages.</summary>
public class CliTests
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var root = Adversa.Cli.Cli.BuildRoot();
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = Adversa.Cli.Cli.Invoke(root, args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>Every command of the tree, walked from the root: its help works, names it as users type it, and describes it and every option.</summary>
    [Fact]
    public void HelpOfEveryCommandDescribesItAndEachOption()
    {
        var root = Adversa.Cli.Cli.BuildRoot();
        int leaves = 0;
        void Walk(System.CommandLine.Command command, string[] path)
        {
            var (code, output, err) = Run([.. path, "--help"]);
            Assert.True(code == 0, $"{string.Join(" ", path)} --help: {err}");
            Assert.Contains($"  adversa {string.Join(" ", path)}".TrimEnd(), output);
            Assert.DoesNotContain("Adversa.Cli", output);
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"'{string.Join(" ", path)}' has no description");
            foreach (var option in command.Options.Where(o => !o.Hidden))
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"'{string.Join(" ", path)} {option.Name}' has no description");
            if (command.Subcommands.Count == 0) leaves++;
            foreach (var sub in command.Subcommands) Walk(sub, [.. path, sub.Name]);
        }
        foreach (var sub in root.Subcommands) Walk(sub, [sub.Name]);
        Assert.True(leaves >= 25, $"only {leaves} commands found");
    }

    [Fact]
    public void HelpDescribesEveryOption()
    {
        var (code, output, _) = Run("data", "preview", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--split", "--data-root", "--seed", "--out", "--count", "--columns" })
            Assert.Contains(option, output);
    }

    [Fact]
    public void UsageNamesTheCommandUsersTypeAndEveryWorkingCommandTakesThreads()
    {
        var (_, output, _) = Run("--help");
        Assert.Contains("  adversa [command] [options]", output);
        (_, output, _) = Run("dann", "train", "--help");
        Assert.Contains("  adversa dann train [options]", output);
        Assert.DoesNotContain("Adversa.Cli", output);
        foreach (var command in new[] { new[] { "gan", "sample" }, ["dann", "predict"], ["data", "info"], ["dann", "eval"], ["acgan", "sample"] })
            Assert.Contains("--threads", Run([.. command, "--help"]).Out);
        var (code, info, _) = Run("data", "info", "synth-svhn", "--limit", "10", "--threads", "1");
        Assert.Equal(0, code);
        Assert.Contains("10 images", info);
    }

    [Fact]
    public void TheProgressLineFitsAnEightyColumnTerminal()
    {
        var text = "epoch 3/12 4.7 steps/s " + string.Join(" ", Enumerable.Range(0, 10).Select(i => $"metric_{i} 0.1234"));
        var fitted = Adversa.Cli.ConsoleProgress.Fit(text, 80);
        Assert.True(fitted.Length <= 80 - 20 - 32, fitted);
        Assert.EndsWith("…", fitted);
        Assert.Equal("short", Adversa.Cli.ConsoleProgress.Fit("short", 80));
    }

    [Fact]
    public void UnknownDatasetIsOneLineErrorWithExitCode2()
    {
        var (code, _, err) = Run("data", "info", "cifar");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith("error: unknown dataset 'cifar'", err);
    }

    [Fact]
    public void UnknownOptionIsAUserError()
    {
        var (code, _, err) = Run("data", "preview", "mnist", "--no-such-option", "3");
        Assert.Equal(2, code);
        Assert.Contains("--no-such-option", err);
    }

    [Fact]
    public void BadFileGivesNoStackTraceUnlessVerbose()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["mnist"]);
        File.WriteAllBytes(dir["mnist/train-images-idx3-ubyte"], new byte[20]);
        File.WriteAllBytes(dir["mnist/train-labels-idx1-ubyte"], new byte[20]);
        var (code, _, err) = Run("data", "info", "mnist", "--data-root", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("train-images-idx3-ubyte: bad magic number", err);
        Assert.DoesNotContain("   at ", err);
        var (_, _, verbose) = Run("data", "info", "mnist", "--data-root", dir.Path, "--verbose");
        Assert.Contains("   at ", verbose);
    }

    [Fact]
    public void InfoNamesVersionsAndDataRoot()
    {
        using var dir = new TempDir();
        var (code, output, _) = Run("info", "--data-root", dir.Path);
        Assert.Equal(0, code);
        Assert.Contains("TorchSharp", output);
        Assert.Contains("cuda: no", output);
        Assert.Contains(dir.Path, output);
    }

    [Fact]
    public void PreviewWritesAValidPng()
    {
        using var dir = new TempDir();
        var (code, _, err) = Run("data", "preview", "synth-mnistm", "--count", "12", "--out", dir["p.png"]);
        Assert.True(code == 0, err);
        Assert.True(ImageCodec.IsValidPng(dir["p.png"]));
        (code, _, err) = Run("data", "preview", "synth-faces", "--count", "8", "--attribute", "Smiling", "--out", dir["f.png"]);
        Assert.True(code == 0, err);
        Assert.True(ImageCodec.IsValidPng(dir["f.png"]));
        (code, _, err) = Run("data", "preview", "synth-faces", "--count", "8", "--attribute", "Smiles", "--out", dir["g.png"]);
        Assert.Equal(2, code);
        Assert.Contains("--attribute Smiles: synth-faces has no such attribute; it has", err);
        Assert.False(File.Exists(dir["g.png"]));
    }

    [Fact]
    public void CudaOnCpuBuildIsAClearError()
    {
        var e = Assert.Throws<Adversa.Common.AdversaException>(() => Runtime.SelectDevice("cuda"));
        Assert.Contains("--device cuda: this build uses TorchSharp's CPU backend; rebuild with -p:AdversaBackend=cuda", e.Message);
        Assert.Equal(TorchSharp.DeviceType.CPU, Runtime.Device.type); // a refused device changes nothing
    }
}

public class GanCliTests
{
    [Fact]
    public void TrainThenSampleAndExport()
    {
        using var dir = new TempDir();
        var run = dir["run"];
        var (code, output, err) = CliTests.Run("gan", "train", "--limit", "16", "--batch", "8", "--epochs", "1",
                                               "--nz", "8", "--ngf", "8", "--ndf", "8", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("done: 2 steps", output);
        (code, _, err) = CliTests.Run("gan", "sample", "--checkpoint", Path.Combine(run, "checkpoint.zip"), "--out", dir["grid.png"], "--count", "5", "--out-dir", dir["faces"]);
        Assert.True(code == 0, err);
        Assert.True(ImageCodec.IsValidPng(dir["grid.png"]));
        var faces = Directory.GetFiles(dir["faces"]).Order().ToArray();
        Assert.Equal(["face_0000.png", "face_0001.png", "face_0002.png", "face_0003.png", "face_0004.png"], faces.Select(Path.GetFileName));
        Assert.All(faces, f => Assert.True(ImageCodec.IsValidPng(f)));
        var (w, h, _) = Adversa.Data.Readers.ImageFiles.Probe(Adversa.Data.Readers.FileSource.FromFolder(dir["faces"]), "face_0000.png");
        Assert.Equal((64, 64), (w, h));
        (code, _, err) = CliTests.Run("gan", "export", "--checkpoint", Path.Combine(run, "checkpoint.zip"), "--out", dir["g.pth"]);
        Assert.True(code == 0, err);
        Assert.True(File.Exists(dir["g.pth"]));
    }

    [Fact]
    public void SampleWithMissingCheckpointIsOneLine()
    {
        var (code, _, err) = CliTests.Run("gan", "sample", "--checkpoint", "/nonexistent/c.zip");
        Assert.Equal(2, code);
        Assert.Equal("error: /nonexistent/c.zip: checkpoint not found", err.Trim());
    }
}

public class GanEvalCliTests
{
    [Fact]
    public void GanEvalAndAcganEvalWriteReports()
    {
        using var dir = new TempDir();
        var (code, _, err) = CliTests.Run("acgan", "train", "--limit", "32", "--batch", "16", "--epochs", "1",
                                          "--nz", "8", "--ngf", "8", "--ndf", "8", "--out", dir["ac"]);
        Assert.True(code == 0, err);
        var ckpt = Path.Combine(dir["ac"], "checkpoint.zip");
        (code, var output, err) = CliTests.Run("acgan", "eval", "--checkpoint", ckpt, "--limit", "200", "--pairs", "50",
                                               "--classifier-epochs", "1", "--out", dir["eval"]);
        Assert.True(code == 0, err);
        Assert.Contains("pair flip rate", output);
        Assert.True(File.Exists(Path.Combine(dir["eval"], "attribute-control.json")));
        (code, _, err) = CliTests.Run("acgan", "sample", "--checkpoint", ckpt, "--count", "3", "--out", dir["pairs.png"], "--out-dir", dir["pair-faces"]);
        Assert.True(code == 0, err);
        Assert.True(ImageCodec.IsValidPng(dir["pairs.png"]));
        Assert.Equal(["Smiling_off_0000.png", "Smiling_off_0001.png", "Smiling_off_0002.png", "Smiling_on_0000.png", "Smiling_on_0001.png", "Smiling_on_0002.png"],
                     Directory.GetFiles(dir["pair-faces"]).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        (code, _, err) = CliTests.Run("gan", "train", "--limit", "16", "--batch", "8", "--epochs", "1",
                                      "--nz", "8", "--ngf", "8", "--ndf", "8", "--out", dir["gan"]);
        Assert.True(code == 0, err);
        (code, output, err) = CliTests.Run("gan", "eval", "--checkpoint", Path.Combine(dir["gan"], "checkpoint.zip"),
                                           "--limit", "40", "--samples", "20", "--feature-size", "64", "--out", dir["fid.json"]);
        Assert.True(code == 0, err);
        Assert.Contains("FID-ResNet18", output);
        Assert.Contains("not comparable with published FIDs", output);
        Assert.Contains("\"floor_fid\"", File.ReadAllText(dir["fid.json"]));
    }
}

public class DannCliTests
{
    [Fact]
    public void TrainEvalPredictScoreTableAndTsne()
    {
        using var dir = new TempDir();
        var run = dir["run"];
        var (code, output, err) = CliTests.Run("dann", "train", "--limit", "256", "--epochs", "1", "--batch", "64", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("model: the weights averaged over the last 25", output); // the default --average-from 0.75
        var result = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json"))).RootElement;
        double trained = result.GetProperty("target").GetProperty("accuracy").GetDouble();
        var ckpt = Path.Combine(run, "checkpoint.zip");

        // No --domain: the checkpoint's target (synth-mnistm), with its seed; --out writes the report as JSON too.
        (code, output, err) = CliTests.Run("dann", "eval", "--checkpoint", ckpt, "--limit", "256", "--out", dir["eval.json"]);
        Assert.True(code == 0, err);
        Assert.Contains("synth-mnistm test split", output);
        Assert.Contains("per class:", output);
        Assert.Contains($"accuracy {trained:P2}", output); // eval loads the reported (averaged) weights, not the last iterate
        var evalJson = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir["eval.json"])).RootElement;
        Assert.Equal(trained, evalJson.GetProperty("report").GetProperty("accuracy").GetDouble(), 6);
        Assert.Equal("dann", result.GetProperty("options").GetProperty("mode").GetString()); // enums by name, not number

        (code, output, err) = CliTests.Run("dann", "train", "--limit", "256", "--epochs", "1", "--batch", "64", "--average-from", "1", "--out", dir["last"]);
        Assert.True(code == 0, err);
        Assert.Contains("model: the last epoch's weights (no selection on target labels)", output);
        (code, _, err) = CliTests.Run("dann", "train", "--limit", "256", "--average-from", "1.5", "--out", dir["bad"]);
        Assert.Equal(2, code);
        Assert.Contains("--average-from", err);

        // predict over a folder of PNGs, then score against the true labels
        Directory.CreateDirectory(dir["images"]);
        using var digits = Adversa.Data.Synthetic.SynthDigits.Generate(Adversa.Data.Synthetic.DigitStyle.MnistM, 20, seed: 9);
        var truth = new List<string> { "image_name,label" };
        for (int i = 0; i < digits.Count; i++)
        {
            ImageCodec.WritePng(dir[$"images/{i:D3}.png"], digits.Images[i]);
            truth.Add($"{i:D3}.png,{digits.Labels![i].item<long>()}");
        }
        File.WriteAllLines(dir["truth.csv"], truth);
        (code, output, err) = CliTests.Run("dann", "predict", "--checkpoint", ckpt, "--images", dir["images"], "--out", dir["pred.csv"]);
        Assert.True(code == 0, err);
        var lines = File.ReadAllLines(dir["pred.csv"]);
        Assert.Equal("image_name,label", lines[0]);
        Assert.Equal(21, lines.Length);
        (code, output, err) = CliTests.Run("dann", "score", dir["pred.csv"], dir["truth.csv"]);
        Assert.True(code == 0, err);
        Assert.Matches(@"accuracy \d+\.\d\d% \(\d+/20\)", output);

        (code, output, err) = CliTests.Run("tsne", "--checkpoint", ckpt, "--limit", "256", "--count", "40", "--iterations", "250", "--out", dir["tsne.png"]);
        Assert.True(code == 0, err);
        Assert.True(ImageCodec.IsValidPng(dir["tsne.png"]));
        Assert.Equal(81, File.ReadAllLines(dir["tsne.csv"]).Length);

        (code, output, err) = CliTests.Run("dann", "table", "--pair", "synth-svhn:synth-mnistm", "--limit", "128", "--epochs", "1", "--batch", "64", "--out", dir["table"],
                                           "--uda-size", "32", "--uda-frozen-epochs", "1", "--uda-finetune-epochs", "1");
        Assert.True(code == 0, err);
        var table = File.ReadAllText(Path.Combine(dir["table"], "table.md"));
        foreach (var row in new[] { "source-only", "dann", "target-only", "improved UDA (ResNet18)" }) Assert.Contains($"| {row} |", table);
        Assert.True(File.Exists(Path.Combine(dir["table"], "table.csv")));
    }

    [Fact]
    public void UdaTrainEvalPredictAndTsne()
    {
        using var dir = new TempDir();
        var run = dir["uda"];
        var (code, output, err) = CliTests.Run("uda", "train", "--limit", "160", "--epochs", "2", "--frozen-epochs", "1", "--batch", "32", "--size", "32", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("1 frozen + 1 fine-tuning epochs", output);
        Assert.Contains("model: the weights averaged over the last 25", output);
        var ckpt = Path.Combine(run, "checkpoint.zip");
        var result = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json"))).RootElement;
        double trained = result.GetProperty("target").GetProperty("accuracy").GetDouble();

        (code, output, err) = CliTests.Run("uda", "eval", "--checkpoint", ckpt, "--domain", "synth-mnistm", "--limit", "160");
        Assert.True(code == 0, err);
        Assert.Contains($"accuracy {trained:P2}", output); // the same held-out part and weights as at the end of training

        Directory.CreateDirectory(dir["images"]);
        using var digits = Adversa.Data.Synthetic.SynthDigits.Generate(Adversa.Data.Synthetic.DigitStyle.MnistM, 12, seed: 4);
        for (int i = 0; i < digits.Count; i++) ImageCodec.WritePng(dir[$"images/{i:D3}.png"], digits.Images[i]);
        (code, output, err) = CliTests.Run("uda", "predict", "--checkpoint", ckpt, "--images", dir["images"], "--out", dir["pred.csv"]);
        Assert.True(code == 0, err);
        Assert.Equal(13, File.ReadAllLines(dir["pred.csv"]).Length);
        Assert.Contains("model input 32x32", output);

        (code, output, err) = CliTests.Run("tsne", "--checkpoint", ckpt, "--limit", "160", "--count", "30", "--iterations", "250", "--out", dir["tsne.png"]);
        Assert.True(code == 0, err);
        Assert.True(ImageCodec.IsValidPng(dir["tsne.png"]));
        Assert.Equal(61, File.ReadAllLines(dir["tsne.csv"]).Length);

        (code, _, err) = CliTests.Run("uda", "train", "--size", "16", "--out", dir["bad"]);
        Assert.Equal(2, code);
        Assert.Contains("--size must be 32 to 512, not 16", err);
    }

    /// <summary>A user's torchvision resnet50 state_dict as the backbone, with the labelled images augmented.</summary>
    [Fact]
    public void UdaTrainsOnAResNet50StateDictWithAugmentation()
    {
        using var dir = new TempDir();
        TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(TorchSharp.torchvision.models.resnet50(), dir["r50.pth"]);
        var run = dir["uda50"];
        var (code, output, err) = CliTests.Run("uda", "train", "--backbone-weights", dir["r50.pth"], "--arch", "resnet50", "--color-jitter", "--texture-blend", "0.5",
                                               "--limit", "120", "--epochs", "2", "--frozen-epochs", "1", "--batch", "32", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("resnet50 from", output);
        Assert.Contains("labelled images augmented (texture blend p=0.5, colour jitter", output);
        var result = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json"))).RootElement;
        double trained = result.GetProperty("target").GetProperty("accuracy").GetDouble();
        (code, output, err) = CliTests.Run("uda", "eval", "--checkpoint", Path.Combine(run, "checkpoint.zip"), "--domain", "synth-mnistm", "--limit", "120");
        Assert.True(code == 0, err);
        Assert.Contains($"accuracy {trained:P2}", output);

        (code, _, err) = CliTests.Run("uda", "train", "--backbone-weights", dir["r50.pth"], "--arch", "resnet34", "--out", dir["bad"]);
        Assert.Equal(2, code);
        Assert.Contains("r50.pth: does not match torchvision resnet34", err);
    }

    [Fact]
    public void ScoreRejectsBadCsvWithLine()
    {
        using var dir = new TempDir();
        File.WriteAllLines(dir["p.csv"], ["image_name,label", "a.png,3", "b.png,x"]);
        File.WriteAllLines(dir["t.csv"], ["image_name,label", "a.png,3"]);
        var (code, _, err) = CliTests.Run("dann", "score", dir["p.csv"], dir["t.csv"]);
        Assert.Equal(2, code);
        Assert.Contains("p.csv:3:", err);
    }
}
