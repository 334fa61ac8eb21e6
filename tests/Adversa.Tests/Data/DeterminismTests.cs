using Adversa.Common;
using System.Diagnostics;
using Adversa.Data;
using Adversa.Data.Synthetic;
using Adversa.Tests.Fixtures;

namespace Adversa.Tests.Data;

/// <summary>
/// The embedded data and a short training give the same numbers in every process. Golden values were computed once in
/// another process and committed here: a per-process seed (HashCode) changes the labels at once. Pixel sums are
/// compared to 1e-6 relative (the procedural drawing uses libm's sin/cos, whose last bit may differ on another CPU).
/// </summary>
public class DeterminismTests
{
    [Theory]
    [InlineData("synth-svhn", "9083215926941370078935934432603271", 12984642L)]
    [InlineData("synth-mnistm", "0281047520085847159168565984235695", 13217834L)]
    public void EmbeddedDigitsMatchTheirGoldenValues(string name, string labels, long pixelSum)
    {
        using var set = DatasetCatalog.Load(new DatasetRequest(name, "train", 34, null, 1));
        Assert.Equal(labels, string.Concat(set.Labels!.data<long>().ToArray()));
        Assert.Equal(pixelSum, set.Images.to_type(TorchSharp.torch.ScalarType.Int64).sum().item<long>(), tolerance: (long)(pixelSum * 1e-6) + 1);
    }

    [Fact]
    public void EmbeddedFacesMatchTheirGoldenValues()
    {
        using var set = SynthFaces.Generate(16, 1);
        var smiling = set.Attributes!.select(1, set.AttributeIndex("Smiling")).data<float>().ToArray();
        Assert.Equal("1001100101100010", string.Concat(smiling.Select(v => v > 0.5f ? '1' : '0')));
        long sum = set.Images.to_type(TorchSharp.torch.ScalarType.Int64).sum().item<long>();
        Assert.Equal(24480652L, sum, tolerance: (long)(24480652L * 1e-6) + 1);
    }

    [Fact]
    public void TheSameTrainingInTwoProcessesGivesTheSameResultAndAResumeInAThirdEndsTheSame()
    {
        using var dir = new TempDir();
        string[] train = ["dann", "train", "--limit", "256", "--epochs", "2", "--batch", "64", "--width", "8", "--threads", "1"];
        var (a, b, resumed) = (dir["a"], dir["b"], dir["resumed"]);
        RunProcess([.. train, "--out", a]);
        RunProcess([.. train, "--out", b]);
        var resultA = File.ReadAllText(Path.Combine(a, "result.json"));
        Assert.Equal(resultA, File.ReadAllText(Path.Combine(b, "result.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(a, "result.json")), resultA);

        // Interrupted after 3 of its 8 steps in this process, then finished by a fresh one with --resume.
        int threads = TorchSharp.torch.get_num_threads();
        Runtime.Configure(1, 1);
        try
        {
            using (var src = Adversa.Adaptation.DomainData.Load("synth-svhn", null, 256, 0.1, 1))
            using (var tgt = Adversa.Adaptation.DomainData.Load("synth-mnistm", null, 256, 0.1, 1))
            {
                var trainer = new Adversa.Dann.DannTrainer(src, tgt, new Adversa.Dann.DannOptions("synth-svhn", "synth-mnistm", Epochs: 2, Batch: 64, Width: 8));
                var partial = Adversa.Training.TrainingLoop.Run(trainer, new Adversa.Training.LoopOptions(2, resumed, StopAfterSteps: 3), NullProgress.Instance);
                Assert.False(partial.Completed);
            }
        }
        finally { TorchSharp.torch.set_num_threads(threads); }
        RunProcess([.. train, "--out", resumed, "--resume"]);
        Assert.Equal(resultA, File.ReadAllText(Path.Combine(resumed, "result.json")));
    }

    /// <summary>Runs the CLI as its own process (a fresh runtime, so a fresh per-process hash seed) and fails with its output if it fails.</summary>
    static void RunProcess(string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Adversa.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"adversa {string.Join(' ', args)} exited {p.ExitCode}: {stderr}{stdout.Result}");
    }
}
