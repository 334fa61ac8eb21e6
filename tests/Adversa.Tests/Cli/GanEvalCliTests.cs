using Adversa.Cli.Commands;
using Adversa.Data;
using Adversa.Tests.Fixtures;
using System.CommandLine;

namespace Adversa.Tests.Cli;

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
                                               "--classifier-epochs", "1", "--out", dir["eval.json"]);
        Assert.True(code == 0, err);
        Assert.Contains("pair flip rate", output);
        Assert.Contains("\"flip_rate\"", File.ReadAllText(dir["eval.json"])); // --out is the JSON file, as for every eval
        Assert.Contains("\"fid\": null", File.ReadAllText(dir["eval.json"])); // FID only when asked for
        (code, output, err) = CliTests.Run("acgan", "eval", "--checkpoint", ckpt, "--limit", "60", "--pairs", "10", "--classifier-epochs", "1",
                                           "--fid-samples", "20", "--feature-size", "64", "--out", dir["eval-fid.json"]);
        Assert.True(code == 0, err);
        Assert.Contains("FID-ResNet18", output);
        Assert.Contains("(Smiling off for half, on for half)", output);
        Assert.Contains("\"floor_fid\"", File.ReadAllText(dir["eval-fid.json"]));
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
