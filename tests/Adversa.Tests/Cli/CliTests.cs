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
        var root = new RootCommand("adversa");
        root.Options.Add(Adversa.Cli.CommonOptions.Verbose);
        root.Subcommands.Add(InfoCommand.Build());
        root.Subcommands.Add(DataCommands.Build());
        root.Subcommands.Add(GanCommands.Build());
        root.Subcommands.Add(AcganCommands.Build());
        root.Subcommands.Add(SummaryCommand.Build());
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = Adversa.Cli.Cli.Invoke(root, args, o, e);
        return (code, o.ToString(), e.ToString());
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
    public void UnknownDatasetIsOneLineErrorWithExitCode2()
    {
        var (code, _, err) = Run("data", "info", "cifar");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith("error: unknown dataset 'cifar'", err);
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
    }

    [Fact]
    public void CudaOnCpuBuildIsAClearError()
    {
        var e = Assert.Throws<Adversa.Common.AdversaException>(() => Adversa.Training.Runtime.SelectDevice("cuda"));
        Assert.Contains("CUDA is unavailable", e.Message);
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
        (code, _, err) = CliTests.Run("gan", "sample", "--checkpoint", Path.Combine(run, "checkpoint.zip"), "--out", dir["grid.png"]);
        Assert.True(code == 0, err);
        Assert.True(ImageCodec.IsValidPng(dir["grid.png"]));
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
