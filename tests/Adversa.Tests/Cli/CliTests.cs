using Adversa.Common;
using Adversa.Data;
using Adversa.Tests.Fixtures;

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

        // The shared options mean one thing everywhere: one description per name, and no retired spelling anywhere.
        var all = new List<System.CommandLine.Option>();
        void Collect(System.CommandLine.Command c) { all.AddRange(c.Options); foreach (var s in c.Subcommands) Collect(s); }
        Collect(root);
        // Two exceptions by design: --seed on eval commands defaults to the seed the checkpoint recorded, and `data download`'s
        // --data-root is the required destination rather than where datasets are looked for.
        var download = root.Subcommands.Single(c => c.Name == "data").Subcommands.Single(c => c.Name == "download").Options;
        foreach (var shared in new[] { "--threads", "--data-root", "--limit", "--device" })
        {
            var descriptions = all.Where(o => o.Name == shared && !download.Contains(o)).Select(o => o.Description).Distinct().ToList();
            Assert.True(descriptions.Count == 1, $"{shared} is described {descriptions.Count} ways: {string.Join(" | ", descriptions)}");
        }
        Assert.DoesNotContain(all, o => o.Name is "--root" or "--full" || o.Aliases.Contains("-m") && o.Name != "--mode");
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
