using System.Diagnostics;
using Adversa.Tests.Fixtures;

namespace Adversa.Tests.Cli;

public class ToolInstallTests
{

    static (int Code, string Output) Exec(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    /// <summary>The README's install path: pack this checkout as a .NET tool and install it; `adversa` then runs from that folder.</summary>
    [Fact]
    public void InstalledToolRunsAsAdversa()
    {
        using var dir = new TempDir();
        var (code, output) = Exec("bash", Path.Combine(Repo.Root, "scripts", "install-tool.sh"), "--tool-path", dir["tools"], "--no-build");
        Assert.True(code == 0, output);
        Assert.Contains("successfully installed", output);
        var adversa = Path.Combine(dir["tools"], "adversa");
        (code, output) = Exec(adversa, "--help");
        Assert.True(code == 0, output);
        Assert.Contains("  adversa [command] [options]", output);
        (code, output) = Exec(adversa, "data", "info", "synth-svhn", "--limit", "10");
        Assert.True(code == 0, output);
        Assert.Contains("synth-svhn: 10 images", output);
    }
}
