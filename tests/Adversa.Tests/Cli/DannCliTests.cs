using Adversa.Cli.Commands;
using Adversa.Data;
using Adversa.Tests.Fixtures;

namespace Adversa.Tests.Cli;

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

        (code, output, err) = CliTests.Run("dann", "train", "--limit", "256", "--epochs", "1", "--batch", "64", "--average-from", "1", "--shift", "2", "--out", dir["last"]);
        Assert.True(code == 0, err);
        Assert.Contains("model: the last epoch's weights (no selection on target labels)", output);
        var shifted = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir["last"], "result.json"))).RootElement;
        Assert.Equal(2, shifted.GetProperty("options").GetProperty("shift").GetInt32()); // the augmentation is recorded with the run
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
                                               "--shift", "2", "--limit", "120", "--epochs", "2", "--frozen-epochs", "1", "--batch", "32", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("resnet50 from", output);
        Assert.Contains("labelled images augmented (texture blend p=0.5, colour jitter, shift up to 2 px;", output);
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
