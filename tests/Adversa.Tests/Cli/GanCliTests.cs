using Adversa.Cli.Commands;
using Adversa.Data;
using Adversa.Tests.Fixtures;
using System.CommandLine;

namespace Adversa.Tests.Cli;

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
