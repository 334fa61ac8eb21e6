using Adversa.Common;
using Adversa.Adaptation;
using Adversa.Tests.Fixtures;
using Adversa.Training;
using Adversa.Uda;
using static TorchSharp.torch;

namespace Adversa.Tests.Uda;

public class UdaTests
{
    static UdaOptions Options(int frozen, int fineTune) =>
        new("synth-svhn", "synth-mnistm", AdaptationMethod.Dann, ImageSize: 32, FrozenEpochs: frozen, FineTuneEpochs: fineTune, Batch: 32, Seed: 5);

    static (DomainData Source, DomainData Target) Data() =>
        (DomainData.Load("synth-svhn", null, 160, 0.1, seed: 5), DomainData.Load("synth-mnistm", null, 160, 0.1, seed: 5));

    static Dictionary<string, Tensor> Snapshot(nn.Module m) => m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

    [Fact]
    public void LatentIs800ForAnyInputSizeAndCachedMapsGiveTheSameLatent()
    {
        var (source, target) = Data();
        using var _s = source;
        using var _t = target;
        using var trainer = new UdaTrainer(source, target, Options(1, 0), NullProgress.Instance);
        var model = trainer.Model;
        model.eval();
        using var noGrad = no_grad();
        foreach (int size in new[] { 32, 64, 96 })
            Assert.Equal([3, 800], model.Features(randn(3, 3, size, size)).shape);
        // Training runs on cached outputs of the backbone's frozen bottom: bottom then top must be the whole backbone.
        var images = trainer.Transform.Apply(source.Train.Images.narrow(0, 0, 8));
        var direct = model.Features(images);
        foreach (int top in new[] { 0, 1, 2, 4 })
        {
            var split = model.Latent(model.Backbone.Top(model.Backbone.Bottom(images, top), top));
            Assert.True((direct - split).abs().max().item<float>() < 1e-5, $"top {top}");
        }
        Assert.True((direct - model.LatentFromBottom(model.Bottom(images))).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void FrozenPhaseLeavesTheBackboneAloneAndFineTuningChangesIt()
    {
        var (source, target) = Data();
        using var _s = source;
        using var _t = target;
        using var dir = new TempDir();
        using var trainer = new UdaTrainer(source, target, Options(1, 1), NullProgress.Instance);
        var before = Snapshot(trainer.Model);
        int perEpoch = trainer.BatchesPerEpoch;
        TrainingLoop.Run(trainer, new LoopOptions(2, dir.Path, StopAfterSteps: perEpoch), NullProgress.Instance);
        var afterFrozen = Snapshot(trainer.Model);
        var backboneKeys = before.Keys.Where(k => k.StartsWith("backbone.")).ToList();
        Assert.NotEmpty(backboneKeys);
        Assert.All(backboneKeys, k => Assert.True(TensorAssert.Same(before[k], afterFrozen[k]), $"{k} changed while frozen"));
        Assert.Contains(before.Keys, k => k.StartsWith("head.") && !TensorAssert.Same(before[k], afterFrozen[k]));

        TrainingLoop.Run(trainer, new LoopOptions(2, dir.Path, Resume: true), NullProgress.Instance);
        var after = Snapshot(trainer.Model);
        // Only the top three stages (layer2 to layer4, the default) fine-tune; the stem and layer1 stay as imported.
        string[] tuned = ["backbone.layer2.", "backbone.layer3.", "backbone.layer4."];
        foreach (var stage in tuned)
            Assert.Contains(backboneKeys, k => k.StartsWith(stage) && k.EndsWith("conv1.weight") && !TensorAssert.Same(afterFrozen[k], after[k]));
        Assert.All(backboneKeys.Where(k => !tuned.Any(k.StartsWith)), k => Assert.True(TensorAssert.Same(before[k], after[k]), $"{k} changed"));
        // Batch norm of the backbone keeps its ImageNet statistics while fine-tuning.
        Assert.All(backboneKeys.Where(k => k.EndsWith("running_mean")), k => Assert.True(TensorAssert.Same(before[k], after[k]), k));
        Assert.Equal(0, trainer.State.History["backbone_lr"].First());
        Assert.Equal(2e-4, trainer.State.History["backbone_lr"].Last(), 10);
    }

    /// <summary>
    /// With augmentation the labelled bottom maps are computed per step from images on DANN's [-1, 1] scale: that scale
    /// must round-trip to the backbone's input (grey sources expanded to three channels), and the batches carry images.
    /// </summary>
    [Fact]
    public void AugmentedTrainingFeedsImagesThatRoundTripToTheBackboneInput()
    {
        using var grey = randint(0, 256, [4, 1, 28, 28]).to_type(ScalarType.Byte);
        using var colour = randint(0, 256, [4, 3, 32, 32]).to_type(ScalarType.Byte);
        var transform = UdaBackbone.Default.Transform(32);
        foreach (var bytes in new[] { grey, colour })
        {
            using var unit = UdaTrainer.ToUnitScale(bytes);
            Assert.Equal(3, unit.shape[1]);
            Assert.True(unit.min().item<float>() >= -1 && unit.max().item<float>() <= 1);
            using var back = transform.Apply(unit.add(1).mul(127.5));
            Assert.True((back - transform.Apply(bytes)).abs().max().item<float>() < 1e-3);
        }

        var (source, target) = Data();
        using var _s = source;
        using var _t = target;
        using var dir = new TempDir();
        using var trainer = new UdaTrainer(source, target, Options(1, 1) with { ColorJitter = true, TextureBlend = 0.5 }, NullProgress.Instance);
        var batch = trainer.Batches(0, 0).First();
        Assert.Equal(new long[] { 32, 3, 32, 32 }, batch.Images.shape); // images, not 64-channel layer1 maps
        var result = TrainingLoop.Run(trainer, new LoopOptions(2, dir.Path), NullProgress.Instance);
        Assert.True(result.Completed);
        Assert.True(trainer.State.History["class_loss"].All(double.IsFinite));
        Assert.Throws<Adversa.Common.AdversaException>(() => Options(1, 1) with { TextureBlend = 1.5 } is var o ? o.Validate() : null);
    }

    [Fact]
    public void MeanImageIsPartOfTheRecordedSettingsAndOnlyForTheOnnxBackbone()
    {
        var o = Options(1, 0) with { MeanImage = true };
        using var meanImage = o.Transform().MeanImage;
        Assert.Equal(new long[] { 1, 3, 32, 32 }, meanImage!.shape);
        Assert.Null(Options(1, 0).Transform().MeanImage);
        var json = System.Text.Json.JsonSerializer.Serialize(o);
        Assert.Equal(o, System.Text.Json.JsonSerializer.Deserialize<UdaOptions>(json));
        var e = Assert.Throws<Adversa.Common.AdversaException>(() => (o with { BackboneWeights = "resnet34.pth", Arch = "resnet34" }).Validate());
        Assert.Contains("--mean-image", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InterruptedThenResumedAcrossThePhaseBoundaryEndsWithTheSameWeights(bool augment)
    {
        var (source, target) = Data();
        using var _s = source;
        using var _t = target;
        using var dirA = new TempDir();
        using var dirB = new TempDir();
        var o = augment ? Options(1, 1) with { ColorJitter = true, TextureBlend = 0.5 } : Options(1, 1);
        using var a = new UdaTrainer(source, target, o, NullProgress.Instance);
        var full = TrainingLoop.Run(a, new LoopOptions(2, dirA.Path), NullProgress.Instance);
        Assert.True(full.Completed);

        using (var b1 = new UdaTrainer(source, target, o, NullProgress.Instance))
            Assert.False(TrainingLoop.Run(b1, new LoopOptions(2, dirB.Path, StopAfterSteps: a.BatchesPerEpoch - 1), NullProgress.Instance).Completed);
        manual_seed(999); // a fresh process starts with other RNG state; resume must restore it
        using var b2 = new UdaTrainer(source, target, o, NullProgress.Instance);
        Assert.True(TrainingLoop.Run(b2, new LoopOptions(2, dirB.Path, Resume: true), NullProgress.Instance).Completed);

        var sa = a.Model.state_dict();
        foreach (var (k, v) in b2.Model.state_dict()) Assert.True(TensorAssert.Same(sa[k], v), $"{k} differs after resume");
        Assert.Equal(a.State.History["class_loss"], b2.State.History["class_loss"]);
        TensorAssert.SameState(a.Average!, b2.Average!); // the weight average (last quarter of the steps, the default) resumes too
        Assert.True(a.Average!.Count > 0);

        var (loaded, options, transform) = UdaRun.LoadModel(Path.Combine(dirB.Path, "checkpoint.zip"));
        Assert.Equal(o, options);
        Assert.Equal(32, transform.Size);
        var report = b2.Evaluate(target);
        Assert.Equal(report.Accuracy, Evaluation.Evaluate(loaded.forward, target.Eval, transform).Accuracy, 6);
        if (!augment) return;
        // Out to a PyTorch state_dict and back (the backbone's keys are torchvision's: conv1.weight, layer1.0.bn1.running_mean, ...).
        using var x = randn(2, 3, 32, 32);
        Adversa.Tests.Training.PyTorchWeightsTests.RoundTrip(Path.Combine(dirB.Path, "checkpoint.zip"), c => UdaRun.LoadModel(c).Model, m => ((UdaModel)m).forward(x));
    }

    /// <summary>The study's r_conv head: its layers under their names, the same 800-d latent at any input size, and a trained model
    /// that reloads from its checkpoint (the head is part of the recorded options) and survives export and import.</summary>
    [Fact]
    public void RconvHeadGivesThe800dLatentAndReloadsWithItsOptions()
    {
        var (source, target) = Data();
        using var _s = source;
        using var _t = target;
        var o = Options(1, 1) with { Head = UdaHead.Rconv };
        using var dir = new TempDir();
        using var trainer = new UdaTrainer(source, target, o, NullProgress.Instance);
        Assert.Equal(["r_conv1", "act1", "r_conv2", "act2", "r_conv3", "act3", "pool", "conv", "bn", "act4", "flatten"],
                     trainer.Model.Head.named_children().Select(c => c.name));
        trainer.Model.eval();
        using (no_grad())
            foreach (int size in new[] { 32, 64, 96 })
                Assert.Equal([3, 800], trainer.Model.Features(randn(3, 3, size, size)).shape);
        TrainingLoop.Run(trainer, new LoopOptions(o.Epochs, dir.Path), NullProgress.Instance);
        var checkpoint = Path.Combine(dir.Path, "checkpoint.zip");
        var (loaded, options, transform) = UdaRun.LoadModel(checkpoint);
        Assert.Equal(UdaHead.Rconv, options.Head);
        Assert.Equal(trainer.Evaluate(target).Accuracy, Evaluation.Evaluate(loaded.forward, target.Eval, transform).Accuracy, 6);
        using var x = randn(2, 3, 32, 32);
        Adversa.Tests.Training.PyTorchWeightsTests.RoundTrip(checkpoint, c => UdaRun.LoadModel(c).Model, m => ((UdaModel)m).forward(x));
    }
}
