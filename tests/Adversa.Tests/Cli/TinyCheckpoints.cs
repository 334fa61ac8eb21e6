using Adversa.Tests.Fixtures;

namespace Adversa.Tests.Cli;

/// <summary>Two small checkpoints (a DANN and a DCGAN) that the refusal cases hand to the wrong commands.</summary>
public sealed class TinyCheckpoints : IDisposable
{
    readonly TempDir _dir = new();
    public string Dann => Path.Combine(_dir.Path, "dann", "checkpoint.zip");
    public string Gan => Path.Combine(_dir.Path, "gan", "checkpoint.zip");

    public TinyCheckpoints()
    {
        var (code, _, err) = CliTests.Run("dann", "train", "--limit", "128", "--epochs", "1", "--batch", "64", "--width", "4", "--threads", "1", "--out", Path.Combine(_dir.Path, "dann"));
        if (code != 0) throw new InvalidOperationException(err);
        (code, _, err) = CliTests.Run("gan", "train", "--limit", "16", "--batch", "8", "--epochs", "1", "--nz", "8", "--ngf", "4", "--ndf", "4", "--threads", "1", "--out", Path.Combine(_dir.Path, "gan"));
        if (code != 0) throw new InvalidOperationException(err);
    }

    public void Dispose() => _dir.Dispose();
}
