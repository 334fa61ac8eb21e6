using Adversa.Tests.Fixtures;

namespace Adversa.Tests.Cli;

/// <summary>
/// Bad input is refused before any work: each case is a command line, the exit code and a fragment of the one-line
/// error it must print, and the check that the output path (a folder holding a finished run's result, or an existing
/// file) is exactly as it was — nothing written, renamed or deleted there.
/// </summary>
public class RefusalTests(TinyCheckpoints checkpoints) : IClassFixture<TinyCheckpoints>
{
    /// <summary>{out} is the output folder (with a finished run's result.json in it), {file} an existing file, {dann}/{gan} checkpoints of those kinds.</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { "dann train --epochs 0 --limit 64 --out {out}", "--epochs must be at least 1, not 0" },
        { "dann train --epochs -1 --limit 64 --out {out}", "--epochs must be at least 1, not -1" },
        { "dann train --batch -5 --limit 64 --out {out}", "--batch must be at least 2, not -5" },
        { "dann train --batch 0 --limit 64 --out {out}", "--batch must be at least 2, not 0" },
        { "dann train --lr -1 --limit 64 --out {out}", "--lr must be greater than 0, not -1" },
        { "dann train --lr nan --limit 64 --out {out}", "--lr must be greater than 0, not NaN" },
        { "dann train --lr abc --limit 64 --out {out}", "Cannot parse argument 'abc' for option '--lr'" },
        { "dann train --width 0 --limit 64 --out {out}", "--width must be at least 1, not 0" },
        { "dann train --size 40 --limit 64 --out {out}", "--size must be 0 (automatic) or 26 to 32, not 40" },
        { "dann train --holdout 1 --limit 64 --out {out}", "--holdout must be between 0 and 1, both excluded, not 1" },
        { "dann train --limit 0 --out {out}", "--limit must be at least 1, not 0" },
        { "dann train --threads 0 --limit 64 --out {out}", "--threads must be at least 1, not 0" },
        { "dann table --epochs 0 --limit 64 --out {out}", "--epochs must be at least 1, not 0" },
        { "reproduce --size real --out {out}", "--size real is the study on the real datasets: it needs --data-root DIR with celeba/, svhn/, mnist_m/ in it" },
        { "reproduce --size huge --out {out}", "huge" },
        { "dann table --modes dann best --limit 64 --out {out}", "best" },
        { "gan train --diff-augment color,flip --limit 16 --out {out}", "--diff-augment must be a comma-separated list of color, translation, cutout, or none" },
        { "dann table --pair synth-svhn --limit 64 --out {out}", "--pair must be SOURCE:TARGET, got 'synth-svhn'" },
        { "uda train --lr 0 --limit 64 --out {out}", "--lr must be greater than 0, not 0" },
        { "uda train --finetune-stages 5 --limit 64 --out {out}", "--finetune-stages must be 1 to 4, not 5" },
        { "gan train --ngf 0 --limit 16 --out {out}", "--ngf must be at least 1, not 0" },
        { "gan train --nz 0 --limit 16 --out {out}", "--nz must be at least 1, not 0" },
        { "gan train --beta1 1 --limit 16 --out {out}", "--beta1 must be 0 or more and below 1, not 1" },
        { "acgan train --real-label 0 --limit 16 --out {out}", "--real-label must be above 0 and at most 1, not 0" },
        { "gan sample --checkpoint {gan} --columns 0 --out {file}", "--columns must be at least 1, not 0" },
        { "gan sample --checkpoint {gan} --count 0 --out {file}", "--count must be at least 1, not 0" },
        { "tsne --checkpoint {dann} --count 0 --out {file}", "--count must be at least 5, not 0" },
        { "data preview synth-mnistm --columns 0 --out {file}", "--columns must be at least 1, not 0" },
        // A checkpoint of the wrong kind: say what the file is and what the command needs.
        { "acgan sample --checkpoint {dann} --out {file}", "is a DANN checkpoint (digit classifier: source-only, DANN, target-only or mean teacher); this command needs an ACGAN checkpoint" },
        { "gan sample --checkpoint {dann} --out {file}", "is a DANN checkpoint" },
        { "dann eval --checkpoint {gan} --domain synth-mnistm --limit 64", "is a DCGAN checkpoint (face generator); this command needs a DANN checkpoint" },
        { "uda eval --checkpoint {gan} --domain synth-mnistm --limit 64", "this command needs an improved-UDA checkpoint" },
        { "tsne --checkpoint {gan} --out {file}", "this command needs a DANN checkpoint (digit classifier: source-only, DANN, target-only or mean teacher) or an improved-UDA checkpoint" },
        { "dann predict --checkpoint {gan} --images {out} --out {file}", "is a DCGAN checkpoint" },
        // Outputs of the wrong kind.
        { "dann train --limit 64 --out {file}", "is an existing file; a folder was expected" },
        { "gan train --limit 16 --out {file}", "is an existing file; a folder was expected" },
        { "reproduce --size tiny --out {file}", "is an existing file; a folder was expected" },
        { "gan sample --checkpoint {gan} --out {out}", "is a folder; a file name was expected" },
        { "data preview synth-mnistm --out {out}", "is a folder; a file name was expected" },
        { "acgan eval --checkpoint {gan} --out {file}", "is a DCGAN checkpoint (face generator); this command needs an ACGAN checkpoint" },
        { "acgan eval --checkpoint {gan} --out {out}", "is a folder; a file name was expected" },
        // Resuming a run under other settings.
        { "dann train --resume --lr 0.01 --limit 128 --epochs 1 --batch 64 --width 4 --threads 1 --out {run}", "cannot resume: it was trained with other settings (learning_rate: 0.001 -> 0.01)" },
        { "dann train --resume --limit 256 --epochs 1 --batch 64 --width 4 --threads 1 --out {run}", "source_train: 128 -> 256" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsRefusedBeforeAnyWorkWithOneLineAndExitCode2(string commandLine, string message)
    {
        using var dir = new TempDir();
        var output = dir["out"];
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "result.json"), "{\"finished\": true}");
        File.WriteAllText(dir["file"], "an existing file");
        // {run}: a copy of the tiny DANN run, so a refused resume can be seen to leave its checkpoint alone.
        var run = dir["run"];
        Directory.CreateDirectory(run);
        File.Copy(checkpoints.Dann, Path.Combine(run, "checkpoint.zip"));
        var before = Snapshot(dir.Path);

        var args = commandLine.Split(' ').Select(a => a.Replace("{out}", output).Replace("{file}", dir["file"]).Replace("{run}", run)
                                                       .Replace("{dann}", checkpoints.Dann).Replace("{gan}", checkpoints.Gan)).ToArray();
        var (code, _, err) = CliTests.Run(args);

        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith("error: ", err);
        Assert.Contains(message, err);
        Assert.Equal(before, Snapshot(dir.Path));
    }

    /// <summary>Every file and folder below <paramref name="root"/> with its size and last write time.</summary>
    static string Snapshot(string root) => string.Join('\n',
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? $"{p} {new FileInfo(p).Length} {File.GetLastWriteTimeUtc(p):O}" : $"{p}/"));

    [Fact]
    public void ASecondRunOnALockedFolderIsRefusedAndTheFolderIsUntouched()
    {
        using var dir = new TempDir();
        var output = dir["run"];
        Directory.CreateDirectory(output);
        // Another process's lock looks like this: an exclusive flock on <out>/.lock through a file handle of its own.
        using (new FileStream(Path.Combine(output, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var before = Snapshot(dir.Path);
            var (code, _, err) = CliTests.Run("dann", "train", "--limit", "64", "--epochs", "1", "--batch", "32", "--out", output);
            Assert.Equal(2, code);
            Assert.Contains("another Adversa run is writing to this folder", err);
            Assert.Equal(before, Snapshot(dir.Path));
        }
        // Released (as when the other process ends or crashes): the same command runs.
        var (ok, _, err2) = CliTests.Run("dann", "train", "--limit", "64", "--epochs", "1", "--batch", "32", "--width", "4", "--threads", "1", "--out", output);
        Assert.True(ok == 0, err2);
    }

    [Fact]
    public void AFailedCommandLeavesNoFolderItCreatedBehind()
    {
        using var dir = new TempDir();
        var output = dir["new-run"];
        var (code, _, err) = CliTests.Run("dann", "train", "--source", "no-such-domain", "--limit", "64", "--out", output);
        Assert.Equal(2, code);
        Assert.Contains("unknown dataset 'no-such-domain'", err);
        Assert.False(Directory.Exists(output));
    }
}
