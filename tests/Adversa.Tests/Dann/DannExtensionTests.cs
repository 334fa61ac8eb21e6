using Adversa.Common;
using Adversa.Adaptation;
using Adversa.Dann;
using Adversa.Tests.Fixtures;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Tests.Dann;

public class DannExtensionTests
{
    [Fact]
    public void InstanceNormStandardisesEachImageAndIgnoresItsGlobalColour()
    {
        using var g = new Generator(5);
        var x = rand([4, 3, 8, 8], generator: g);
        var y = DannModel.Standardise(x);
        Assert.True(y.mean([2, 3]).abs().max().item<float>() < 1e-5);
        Assert.True((y.std([2, 3]) - 1).abs().max().item<float>() < 1e-3);
        // A per-image, per-channel gain and offset (another domain's colour cast and contrast) changes nothing.
        var gain = rand([4, 3, 1, 1], generator: g) + 0.5;
        var offset = rand([4, 3, 1, 1], generator: g) - 0.5;
        Assert.True((DannModel.Standardise(x * gain + offset) - y).abs().max().item<float>() < 1e-3);
    }

    [Fact]
    public void InterruptedThenResumedRunEndsWithTheSameWeights()
    {
        // Stopped in the second epoch: the resumed run must rebuild the target stream at the right batch,
        // redraw the same intensity flips (global RNG restored from the checkpoint) and continue the weight
        // average begun halfway through.
        using var source = DomainData.Load("synth-svhn", null, 256, 0.1, seed: 6);
        using var target = DomainData.Load("synth-mnistm", null, 200, 0.1, seed: 6);
        DannOptions Options() => new("synth-svhn", "synth-mnistm", AdaptationMethod.Dann, Epochs: 2, Batch: 32, Seed: 6, IntensityFlip: true, Width: 8, AverageFrom: 0.5);
        using var dirA = new TempDir();
        using var dirB = new TempDir();
        var a = new DannTrainer(source, target, Options());
        var full = TrainingLoop.Run(a, new LoopOptions(2, dirA.Path), NullProgress.Instance);
        Assert.True(full.Completed);

        var b1 = new DannTrainer(source, target, Options());
        Assert.False(TrainingLoop.Run(b1, new LoopOptions(2, dirB.Path, StopAfterSteps: b1.BatchesPerEpoch + 2), NullProgress.Instance).Completed);
        manual_seed(999); // a fresh process starts with other RNG state; resume must restore it
        var b2 = new DannTrainer(source, target, Options());
        var rest = TrainingLoop.Run(b2, new LoopOptions(2, dirB.Path, Resume: true), NullProgress.Instance);
        Assert.True(rest.Completed);
        Assert.Equal(full.Steps - b1.BatchesPerEpoch - 2, rest.Steps);
        TensorAssert.SameState(a.Model, b2.Model);
        TensorAssert.SameState(a.Average!, b2.Average!);
        Assert.Equal(a.BatchesPerEpoch, a.Average!.Count); // the steps ending after half of training
        Assert.Equal(a.State.History["domain_loss"], b2.State.History["domain_loss"]);
        // The checkpoint's reported model is the average, not the last iterate.
        var (loaded, _) = DannRun.LoadModel(full.CheckpointPath);
        TensorAssert.SameState(a.Average.Averaged, loaded);
        Assert.Throws<Adversa.Common.AdversaException>(() => new DannTrainer(source, target, Options() with { AverageFrom = 1.5 }));
    }

    [Fact]
    public void InputSidesFrom26To32GiveThe800dLatentAndBadSettingsAreRefused()
    {
        foreach (int side in new[] { 26, 28, 32 })
        {
            var model = new DannModel(width: 8, imageSize: side);
            model.eval();
            using var x = model.Transform.Apply(full([2, 1, 28, 28], (byte)9, dtype: ScalarType.Byte));
            Assert.Equal(new long[] { 2, 3, side, side }, x.shape);
            using (no_grad()) Assert.Equal(new long[] { 2, DannModel.LatentSize }, model.Features(x).shape);
        }
        var e = Assert.Throws<Adversa.Common.AdversaException>(() => new DannModel(imageSize: 24));
        Assert.Contains("--size must be 26 to 32", e.Message);
        using var source = DomainData.Load("synth-svhn", null, 64, 0.1, seed: 1);
        var blend = Assert.Throws<Adversa.Common.AdversaException>(() => new DannTrainer(source, source, new DannOptions("synth-svhn", "synth-svhn", TextureBlend: 1.5)));
        Assert.Contains("--texture-blend is a probability", blend.Message);
        var shift = Assert.Throws<Adversa.Common.AdversaException>(() => new DannTrainer(source, source, new DannOptions("synth-svhn", "synth-svhn", Shift: 9)));
        Assert.Equal("--shift is 0 to 8 pixels, not 9", shift.Message);
        var udaShift = Assert.Throws<Adversa.Common.AdversaException>(() => new Adversa.Uda.UdaOptions("synth-svhn", "synth-mnistm", Shift: -1).Validate());
        Assert.Equal("--shift is 0 to 8 pixels, not -1", udaShift.Message);
        // Off, the shift is left out of the serialised options (a stored reproduce part keys on them); on, it is recorded.
        Assert.DoesNotContain("Shift", System.Text.Json.JsonSerializer.Serialize(new DannOptions("a", "b")));
        Assert.Contains("\"Shift\":2", System.Text.Json.JsonSerializer.Serialize(new DannOptions("a", "b", Shift: 2)));
    }

    [Fact]
    public void AutomaticSizeIsTheLargerNativeSideAndIsRecordedInTheCheckpoint()
    {
        using var mnistLike = new DomainData("a", new Adversa.Data.ImageSet("a", zeros([256, 1, 28, 28], dtype: ScalarType.Byte), zeros(256, dtype: ScalarType.Int64)),
                                             new Adversa.Data.ImageSet("a", zeros([8, 1, 28, 28], dtype: ScalarType.Byte), zeros(8, dtype: ScalarType.Int64)), "a");
        using var uspsLike = new DomainData("b", new Adversa.Data.ImageSet("b", zeros([256, 1, 16, 16], dtype: ScalarType.Byte), zeros(256, dtype: ScalarType.Int64)),
                                            new Adversa.Data.ImageSet("b", zeros([8, 1, 16, 16], dtype: ScalarType.Byte), zeros(8, dtype: ScalarType.Int64)), "b");
        Assert.Equal(28, DannModel.NativeSize(mnistLike, uspsLike));
        Assert.Equal(26, DannModel.NativeSize(uspsLike, uspsLike));
        using var dir = new TempDir();
        var trainer = new DannTrainer(mnistLike, uspsLike, new DannOptions("a", "b", Epochs: 1, Batch: 64, Width: 4));
        Assert.Equal(28, trainer.Options.ImageSize);
        var result = TrainingLoop.Run(trainer, new LoopOptions(1, dir.Path), NullProgress.Instance);
        var (model, options) = DannRun.LoadModel(result.CheckpointPath);
        Assert.Equal(28, model.ImageSize);
        Assert.Equal(28, options.ImageSize);
    }

    [Fact]
    public void EntropyIsLogKForUniformAndZeroForCertainPredictions()
    {
        Assert.Equal(Math.Log(10), AdversarialStep.Entropy(zeros(5, 10)).item<float>(), 1e-5);
        var certain = full([5, 10], -1e4f);
        certain[TensorIndex.Colon, 3] = tensor(1e4f);
        Assert.Equal(0, AdversarialStep.Entropy(certain).item<float>(), 1e-5);
        // Two equally likely classes: ln 2.
        var two = full([1, 10], -1e4f);
        two[0, 1] = tensor(0f);
        two[0, 7] = tensor(0f);
        Assert.Equal(Math.Log(2), AdversarialStep.Entropy(two).item<float>(), 1e-5);
    }

    [Fact]
    public void PseudoLabelTermCountsOnlyConfidentRowsAgainstTheirOwnArgMax()
    {
        // Row 0: softmax(ln 9, 0) = (0.9, 0.1), kept at threshold 0.85 with loss -ln 0.9; row 1: (0.6, 0.4) dropped;
        // row 2: (0.05, 0.95) -> class 1, loss -ln 0.95. Mean over all 3 rows.
        var logits = tensor(new float[] { MathF.Log(9), 0, MathF.Log(0.6f), MathF.Log(0.4f), MathF.Log(0.05f), MathF.Log(0.95f) }, [3, 2]).requires_grad_();
        var term = AdversarialStep.PseudoLabelTerm(logits, threshold: 0.85, weight: 2, progress: 1)!;
        Assert.Equal((-Math.Log(0.9) - Math.Log(0.95)) / 3, term.Loss.item<float>(), 1e-5);
        Assert.Equal(2 * GradientReversal.Schedule(1), term.Weight, 1e-12);
        Assert.Equal(2.0 / 3, term.Metrics.Single(m => m.Name == "pseudo_kept").Value, 1e-6);
        term.Loss.backward();
        Assert.Equal(0, logits.grad!.select(0, 1).abs().sum().item<float>()); // the dropped row gets no gradient
        Assert.Null(AdversarialStep.PseudoLabelTerm(logits, threshold: 0, weight: 1, progress: 1));
    }

    [Fact]
    public void TargetEntropyLowersTheTargetPredictionsEntropyAndTheOptionsTravelWithTheCheckpoint()
    {
        using var source = DomainData.Load("synth-svhn", null, 640, 0.1, seed: 4);
        using var target = DomainData.Load("synth-mnistm", null, 640, 0.1, seed: 4);
        var entropy = new Dictionary<double, double>();
        foreach (var weight in new[] { 0.0, 1.0 })
        {
            using var dir = new TempDir();
            var options = new DannOptions("synth-svhn", "synth-mnistm", AdaptationMethod.Dann, Epochs: 2, Batch: 64, Seed: 4, InstanceNorm: true, TargetEntropy: weight);
            var trainer = new DannTrainer(source, target, options);
            var result = TrainingLoop.Run(trainer, new LoopOptions(2, dir.Path), NullProgress.Instance);
            Assert.Equal(weight > 0, trainer.State.History.ContainsKey("target_entropy"));
            var (model, loaded) = DannRun.LoadModel(result.CheckpointPath);
            Assert.True(model.InstanceNorm);
            Assert.Equal(weight, loaded.TargetEntropy);
            using var batch = model.Transform.Apply(target.Train.Images.narrow(0, 0, 256));
            using (no_grad())
                entropy[weight] = AdversarialStep.Entropy(model.forward(batch)).item<float>();
        }
        Assert.True(entropy[1.0] < entropy[0.0], $"target entropy with the loss {entropy[1.0]:F3}, without {entropy[0.0]:F3}");
    }
}
