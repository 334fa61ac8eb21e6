using Adversa.Common;
using Adversa.Data;
using Adversa.Data.Synthetic;
using Adversa.Gan;
using Adversa.Tests.Fixtures;
using Adversa.Training;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Adversa.Tests.Gan;

public class DcganTests
{
    static readonly DcganOptions Tiny = new(LatentSize: 16, GeneratorWidth: 8, DiscriminatorWidth: 8);

    static GanTrainOptions Options(int epochs) => new(Tiny, Epochs: epochs, Batch: 8, Seed: 5);

    [Fact]
    public void GeneratorAndDiscriminatorHaveDcganShapesAndInitialisation()
    {
        var g = new DcganGenerator(new DcganOptions());
        var d = new DcganDiscriminator(new DcganOptions());
        using var z = randn(2, 100);
        using var img = g.forward(z);
        Assert.Equal(new long[] { 2, 3, 64, 64 }, img.shape);
        Assert.True(img.abs().max().item<float>() <= 1f);
        using var logits = d.forward(img);
        Assert.Equal(new long[] { 2 }, logits.shape);
        var sd = g.state_dict();
        Assert.Equal(0.02, sd["main.0.weight"].std().item<float>(), 2);
        Assert.Equal(1.0, sd["main.1.weight"].mean().item<float>(), 1);
        Assert.Equal(0.0, sd["main.1.bias"].abs().sum().item<float>());
    }

    [Fact]
    public void InterruptedThenResumedRunEndsWithTheSameWeights()
    {
        using var data = SynthFaces.Generate(32, seed: 1);
        using var dirA = new TempDir();
        using var dirB = new TempDir();

        // With the generator averaged over the second half of training, so the resumed average is checked too, and with
        // differentiable augmentation, whose random draws a resumed run must repeat.
        var averaged = Options(2) with { AverageFrom = 0.5, DiffAugmentation = "color,translation,cutout" };
        var a = new DcganTrainer(data, averaged);
        var full = TrainingLoop.Run(a, new LoopOptions(2, dirA.Path), NullProgress.Instance);
        Assert.True(full.Completed);
        Assert.Equal(8, full.Steps);

        var b1 = new DcganTrainer(data, averaged);
        var partial = TrainingLoop.Run(b1, new LoopOptions(2, dirB.Path, StopAfterSteps: 3), NullProgress.Instance);
        Assert.False(partial.Completed);
        manual_seed(12345); // a fresh process would start with other RNG state; resume must restore it
        var b2 = new DcganTrainer(data, averaged);
        var rest = TrainingLoop.Run(b2, new LoopOptions(2, dirB.Path, Resume: true), NullProgress.Instance);
        Assert.True(rest.Completed);
        Assert.Equal(5, rest.Steps);

        TensorAssert.SameState(a.G, b2.G);
        TensorAssert.SameState(a.D, b2.D);
        Assert.Equal(4, a.Average!.Count); // steps 5-8 of 8
        TensorAssert.SameState(a.Average, b2.Average!);
        Assert.Same(a.Average.Averaged, a.Reported);
        // What sample/eval load is the average, not the last weights.
        var loaded = GanSetup.LoadReported(TrainingLoop.CheckpointPath(dirA.Path), DcganTrainer.Kind, a.State.Options, () => new DcganGenerator(Tiny));
        TensorAssert.SameState(a.Average.Averaged, loaded);
        Assert.False(TensorAssert.Same(a.G.state_dict()["main.0.weight"], loaded.state_dict()["main.0.weight"]));
        Assert.Equal(a.State.History["loss_D"], b2.State.History["loss_D"]);
        Assert.True(File.Exists(Path.Combine(dirB.Path, "samples", "epoch_002.png")));
        Assert.True(ImageCodec.IsValidPng(Path.Combine(dirB.Path, "loss.png")));
    }

    [Fact]
    public void TruncatedCheckpointIsAClearErrorAndFailedSaveKeepsTheGoodOne()
    {
        using var data = SynthFaces.Generate(16, seed: 1);
        using var dir = new TempDir();
        var t = new DcganTrainer(data, Options(1));
        TrainingLoop.Run(t, new LoopOptions(1, dir.Path), NullProgress.Instance);
        var path = TrainingLoop.CheckpointPath(dir.Path);
        var good = File.ReadAllBytes(path);

        // A save that fails half-way (a disposed optimizer cannot write its state) leaves the old file as it was.
        var broken = new DcganTrainer(data, Options(1));
        broken.OptD.Dispose();
        Assert.ThrowsAny<Exception>(() => broken.State.Save(path));
        Assert.Equal(good, File.ReadAllBytes(path));

        File.WriteAllBytes(dir["cut.zip"], good[..(good.Length / 2)]);
        var e = Assert.Throws<DataFormatException>(() => Checkpoint.ReadMeta(dir["cut.zip"]));
        Assert.Contains("cut.zip", e.Message);
        Assert.Contains("truncated or corrupt", e.Message);
    }

    [Fact]
    public void CheckpointOfAnotherKindIsRejected()
    {
        using var data = SynthFaces.Generate(16, seed: 1);
        using var dir = new TempDir();
        var t = new DcganTrainer(data, Options(1));
        t.State.Save(dir["c.zip"]);
        var other = new Checkpoint { Kind = "dann" };
        var e = Assert.Throws<AdversaException>(() => other.Restore(dir["c.zip"]));
        Assert.Contains("c.zip: is a DCGAN checkpoint (face generator), not a DANN checkpoint", e.Message);
    }

    [Fact]
    public void TensorBoardGetsTheLossesAndEachEpochsSampleGrid()
    {
        using var data = SynthFaces.Generate(32, seed: 1);
        using var dir = new TempDir();
        var trainer = new DcganTrainer(data, Options(2));
        TrainingLoop.Run(trainer, new LoopOptions(2, dir["run"], LogDir: dir["log"]), NullProgress.Instance);
        var events = File.ReadAllBytes(Directory.GetFiles(dir["log"]).Single());
        int Count(byte[] needle) => Enumerable.Range(0, events.Length - needle.Length).Count(i => events.AsSpan(i, needle.Length).SequenceEqual(needle));
        Assert.Equal(8, Count("loss_D"u8.ToArray())); // one scalar per step
        Assert.Equal(2, Count("samples"u8.ToArray())); // one image per epoch...
        Assert.Equal(2, Count([0x89, (byte)'P', (byte)'N', (byte)'G'])); // ...encoded as a PNG
    }

    [Fact]
    public void ExportedStateDictHasPyTorchKeysAndRoundTrips()
    {
        using var dir = new TempDir();
        var g = new DcganGenerator(Tiny);
        g.save_py(dir["g.pth"]);
        var sd = PyTorchUnpickler.UnpickleStateDict(dir["g.pth"]);
        Assert.Contains("main.0.weight", sd.Keys.Cast<string>());
        Assert.Contains("main.1.running_var", sd.Keys.Cast<string>());
        var g2 = new DcganGenerator(Tiny);
        g2.load_py(dir["g.pth"]);
        using var z = randn(2, 16);
        g.eval(); g2.eval();
        Assert.True(TensorAssert.Same(g.forward(z), g2.forward(z)));
    }
}
