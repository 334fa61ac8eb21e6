using Adversa.Adaptation;
using System.Text.Json.Serialization;
using Adversa.Common;
using Adversa.Dann;
using Adversa.Data;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Uda;

/// <summary>Settings of <c>adversa uda train</c>.</summary>
/// <param name="BackboneWeights">A torchvision ResNet state_dict (.pth); null for the built-in ONNX ResNet18.</param>
/// <param name="ImageSize">Side length the digits are resized to before the backbone.</param>
/// <param name="FrozenEpochs">Epochs with the backbone frozen (its features cached once).</param>
/// <param name="FineTuneEpochs">Epochs after that with the whole network trained.</param>
/// <param name="HeadLr">Adam learning rate of the head and classifiers (both phases).</param>
/// <param name="FineTuneLr">Adam learning rate of the backbone in the fine-tuning phase.</param>
/// <param name="TopStages">Backbone stages (from layer4 down) that fine-tuning trains; the stages below stay frozen and are cached.</param>
/// <param name="Grayscale">Feed both domains as grey images (colour is MNIST-M's most obvious domain cue).</param>
/// <param name="TargetEntropy">Weight of the target conditional-entropy loss (VADA), as in DANN; 0 = off.</param>
/// <param name="DecayAfter">Fine-tuning epochs after which the rates are multiplied by <paramref name="DecayFactor"/>; 0 = never (the study: 3).</param>
/// <param name="AverageFrom">Training progress (0-1) after which the weights are averaged and the average reported; 1 = off (the last epoch's).</param>
/// <param name="ColorJitter">DANN's per-channel sign, gain and offset jitter of the labelled images (<see cref="Augment.ColorJitter"/>).</param>
/// <param name="TextureBlend">Probability of putting a labelled image on a random colour texture (<see cref="Augment.TextureBlend"/>).</param>
/// <param name="Shift">Random shift of each labelled image by up to this many pixels each way (<see cref="Augment.RandomShift"/>); 0 = off.</param>
/// <param name="MeanImage">ONNX backbone: subtract the package's mean image (resized to the input) instead of its channel means.</param>
/// <param name="Head">The head from the layer4 map to the latent: Adversa's (default) or the study's r_conv layers.</param>
public sealed record UdaOptions(
    string Source,
    string Target,
    AdaptationMethod Mode = AdaptationMethod.Dann,
    string? BackboneWeights = null,
    string Arch = "resnet18",
    int ImageSize = 32,
    int FrozenEpochs = 2,
    int FineTuneEpochs = 10,
    int Batch = 128,
    double HeadLr = 1e-3,
    double FineTuneLr = 2e-4,
    int DecayAfter = 0,
    double DecayFactor = 0.1,
    double LambdaMax = 0.3,
    double Holdout = 0.1,
    long Seed = 1,
    bool Grayscale = false,
    int TopStages = 3,
    double TargetEntropy = 0,
    double AverageFrom = DannOptions.DefaultAverageFrom,
    bool ColorJitter = false,
    double TextureBlend = 0,
    int Shift = 0,
    bool MeanImage = false,
    UdaHead Head = UdaHead.Reduce)
{
    /// <summary>Frozen plus fine-tuning epochs.</summary>
    [JsonIgnore] public int Epochs => FrozenEpochs + FineTuneEpochs;
    /// <summary>The backbone these options name.</summary>
    [JsonIgnore] public UdaBackbone Backbone => new(BackboneWeights, Arch);

    /// <summary>The model these options describe, on <paramref name="backbone"/>.</summary>
    public UdaModel CreateModel(Backbones.ResNet backbone) => new(backbone, TopStages, headKind: Head);

    /// <summary>The input transform these settings train and evaluate with.</summary>
    public ImageTransform Transform() => Backbone.Transform(ImageSize, Grayscale, MeanImage);

    /// <summary>Throws a one-line error for settings that cannot train.</summary>
    public UdaOptions Validate()
    {
        if (FrozenEpochs < 0 || FineTuneEpochs < 0 || Epochs == 0) throw new AdversaException("--frozen-epochs and --finetune-epochs must be >= 0 and not both 0");
        if (ImageSize < 32) throw new AdversaException($"--size must be at least 32 (the backbone divides it by 32), not {ImageSize}");
        if (TopStages is < 0 or > 4) throw new AdversaException($"--finetune-stages must be 0 to 4, not {TopStages}");
        if (Batch < 2) throw new AdversaException($"--batch must be at least 2 (batch norm), not {Batch}");
        WeightAverage.CheckStart(AverageFrom);
        Augment.CheckTextureBlend(TextureBlend);
        Augment.CheckShift(Shift);
        if (MeanImage && !Backbone.IsOnnx) throw new AdversaException("--mean-image belongs to the built-in ONNX backbone's preprocessing; torchvision weights use ImageNet mean/std");
        return this;
    }

    /// <summary>Whether the labelled images are augmented (then their bottom maps are computed per step, not cached).</summary>
    [JsonIgnore] public bool Augments => ColorJitter || TextureBlend > 0 || Shift > 0;
}

/// <summary>
/// DANN's adversarial scheme on a pretrained backbone, in two phases. The backbone's bottom (stem and every stage
/// below the top <c>TopStages</c>) never trains, so its output for every image is computed once and cached: the main
/// speed lever on a CPU. Frozen phase: the top stages run without gradients and only the head and classifiers train
/// (Adam, HeadLr). Fine-tuning: the top stages train too (FineTuneLr; the head keeps HeadLr; both decayed after
/// DecayAfter epochs when it is set); the backbone's batch norm keeps its ImageNet statistics. The reversal strength follows
/// Ganin's schedule over the whole run. Source and target go through as one batch, as in DANN. With augmentation
/// (colour jitter, texture blending) the labelled images change every step, so their bottom maps are computed per
/// step from the augmented images (still without gradients); the target's stay cached.
/// </summary>
public sealed class UdaTrainer : ITrainer, IDisposable
{
    /// <summary>The checkpoint kind of improved-UDA runs.</summary>
    public const string Kind = "uda";

    readonly UdaOptions _o;
    readonly DomainData _source, _target;
    readonly DataLoader _labelled;
    readonly TargetStream? _targetStream;
    readonly IProgressSink _progress;
    FeatureCache? _labelledCache, _unlabelledCache, _sourceEvalCache, _targetEvalCache;

    /// <summary>The model being trained (the last iterate).</summary>
    public UdaModel Model { get; }

    /// <summary>The running average of the weights from <see cref="UdaOptions.AverageFrom"/> on; null when off.</summary>
    public WeightAverage? Average { get; }

    /// <summary>The model that is reported: the averaged one once averaging has begun, else the last iterate.</summary>
    public UdaModel Reported => Average is { Count: > 0 } ? (UdaModel)Average.Averaged : Model;

    /// <summary>How images are brought to the backbone's input.</summary>
    public ImageTransform Transform { get; }
    /// <summary>Adam with the head's and the backbone's learning rates.</summary>
    public optim.Optimizer Optimizer { get; }
    /// <inheritdoc/>
    public Checkpoint State { get; }
    /// <inheritdoc/>
    public int BatchesPerEpoch => _labelled.BatchesPerEpoch;
    /// <inheritdoc/>
    public int ImagesPerStep => _o.Mode == AdaptationMethod.Dann ? 2 * _o.Batch : _o.Batch;
    /// <summary>Optimizer steps of the whole run.</summary>
    public long TotalSteps => (long)BatchesPerEpoch * _o.Epochs;

    /// <summary>Builds the model, caches the frozen backbone's maps lazily, and sets up loaders and checkpoint.</summary>
    public UdaTrainer(DomainData source, DomainData target, UdaOptions o, IProgressSink progress)
    {
        _o = o.Validate();
        _source = source;
        _target = target;
        _progress = progress;
        manual_seed(o.Seed);
        Model = o.CreateModel(o.Backbone.LoadPretrained()).ToDevice();
        Transform = o.Transform();
        // Two groups: the new head and classifiers (HeadLr throughout), the pretrained backbone (0 while frozen, FineTuneLr after).
        // Keeping the domain classifier at the head's rate matters: at the backbone's lower rate it falls behind and the
        // reversed gradient drives its accuracy to ~0 instead of chance.
        Optimizer = new Adam(new TorchSharp.Modules.Adam.ParamGroup[]
        {
            new() { Parameters = Model.HeadParameters(), Options = new() { LearningRate = o.HeadLr } },
            new() { Parameters = Model.TopParameters(), Options = new() { LearningRate = 0 } },
        }, o.HeadLr, beta1: 0.9, beta2: 0.999);
        (_labelled, _targetStream) = AdaptationSetup.Loaders(source, target, o.Mode, o.Batch, Transform, o.Seed);
        State = AdaptationSetup.Checkpoint(Kind, o, source, target, Model, Optimizer, ("backbone", o.Backbone.Describe()));
        if (o.AverageFrom < 1)
        {
            Average = new WeightAverage(o.CreateModel(o.Backbone.CreateEmpty()).ToDevice());
            State.Modules["average"] = Average;
        }
    }

    bool Frozen(int epoch) => epoch < _o.FrozenEpochs;

    FeatureCache Cache(ref FeatureCache? cache, ImageSet set)
    {
        if (cache is null)
        {
            Model.Backbone.eval();
            cache = FeatureCache.Compute(Model.Bottom, set, Transform, _progress);
        }
        return cache;
    }

    /// <summary>
    /// Batches of cached bottom maps (in the batch's Images slot) with their labels, in the loader's seeded order; with
    /// augmentation, the labelled images themselves on DANN's [-1, 1] scale (see <see cref="LabelledBottom"/>).
    /// </summary>
    public IEnumerable<Batch> Batches(int epoch, int skipBatches)
    {
        var cache = _o.Augments ? null : Cache(ref _labelledCache, _labelled.Set);
        if (_targetStream is not null) Cache(ref _unlabelledCache, _targetStream.Loader.Set);
        using var order = _labelled.Order(epoch).DetachFromDisposeScope();
        for (int b = skipBatches; b < BatchesPerEpoch; b++)
        {
            using var idx = order.narrow(0, b * _o.Batch, _o.Batch);
            var (maps, labels) = cache?.Take(idx) ?? (ToUnitScale(_labelled.Set.TakeRows(idx)), _labelled.Set.Labels!.index_select(0, idx));
            yield return new Batch(maps, labels, null);
        }
    }

    /// <summary>uint8 images to three channels on DANN's [-1, 1] scale, where its augmentations work.</summary>
    public static Tensor ToUnitScale(Tensor bytes)
    {
        using var scope = NewDisposeScope();
        var x = bytes.to_type(ScalarType.Float32).div_(127.5).sub_(1);
        return (x.shape[1] == 3 ? x : x.expand(-1, 3, -1, -1).contiguous()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The labelled batch's bottom maps: the batch itself when they are cached, else the augmented images (texture
    /// blend, colour jitter, then the shift, as in DANN) back on the 0-255 scale through the backbone's transform and frozen bottom.
    /// Draws from the global generator inside the step, so a resumed run draws the same augmentations.
    /// </summary>
    Tensor LabelledBottom(Tensor images)
    {
        if (!_o.Augments) return images;
        using var scope = NewDisposeScope();
        var x = _o.TextureBlend > 0 ? Augment.TextureBlend(images, _o.TextureBlend) : images;
        if (_o.ColorJitter) x = Augment.ColorJitter(x);
        if (_o.Shift > 0) x = Augment.RandomShift(x, _o.Shift);
        using (no_grad())
        {
            Model.Backbone.eval();
            return Model.Bottom(Transform.Apply(x.add(1).mul_(127.5))).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The unlabelled target bottom maps of step <paramref name="step"/> (<see cref="TargetStream"/>).</summary>
    Tensor TargetInput(long step)
    {
        using var idx = _targetStream!.Indices(step);
        return _unlabelledCache!.Take(idx).Maps;
    }

    /// <summary>Learning rates of (head and classifiers, backbone) in an epoch.</summary>
    public (double Head, double Backbone) LearningRates(int epoch)
    {
        if (Frozen(epoch)) return (_o.HeadLr, 0);
        double decay = _o.DecayAfter > 0 && epoch - _o.FrozenEpochs >= _o.DecayAfter ? _o.DecayFactor : 1;
        return (_o.HeadLr * decay, _o.FineTuneLr * decay);
    }

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, double Value)> Step(Batch batch, int epoch, long step)
    {
        var metrics = OptimizerStep(batch, epoch, step);
        Average?.AfterStep(Model, step, TotalSteps, _o.AverageFrom);
        return metrics;
    }

    IReadOnlyList<(string Name, double Value)> OptimizerStep(Batch batch, int epoch, long step)
    {
        bool frozen = Frozen(epoch);
        var (headLr, lr) = LearningRates(epoch);
        var groups = Optimizer.ParamGroups.ToList();
        groups[0].LearningRate = headLr;
        groups[1].LearningRate = lr;
        Func<Tensor, Tensor> latentOf = frozen ? FrozenLatent : Model.LatentFromBottom;
        var labelled = LabelledBottom(batch.Images);
        Model.TrainHeads();
        Optimizer.zero_grad();
        if (_o.Mode != AdaptationMethod.Dann)
            return [.. AdversarialStep.Supervised(Optimizer, Model.ClassLogits(latentOf(labelled)), batch.Labels!), ("backbone_lr", lr)];

        double progress = Math.Min(1.0, (double)step / Math.Max(1, TotalSteps));
        double lambda = _o.LambdaMax * GradientReversal.Schedule(progress);
        var target = TargetInput(step);
        long ns = batch.Size, nt = target.shape[0];
        var domainLabels = AdversarialStep.DomainLabels(ns, nt);
        var latent = latentOf(cat([labelled, target], 0));
        // The class classifier sees the joint batch too (only the source part enters the loss): its batch-norm
        // statistics are then those of both domains, as at evaluation on the target, instead of the source's alone.
        var logits = Model.ClassLogits(latent);
        var domainLogits = Model.DomainLogits(latent, lambda);
        return [.. AdversarialStep.Adversarial(Optimizer, logits.narrow(0, 0, ns), batch.Labels!, domainLogits, domainLabels, lambda,
                                               AdversarialStep.EntropyTerm(logits.narrow(0, ns, nt), _o.TargetEntropy, progress)), ("backbone_lr", lr)];
    }

    /// <summary>Frozen phase: the top stages run without gradients, only the head learns.</summary>
    Tensor FrozenLatent(Tensor bottom)
    {
        Tensor map;
        using (no_grad()) map = Model.Backbone.Top(bottom, _o.TopStages);
        return Model.Latent(map);
    }

    /// <summary>Accuracy of the reported model on a domain's evaluation part (through its cached bottom maps; the bottom never trains).</summary>
    public AccuracyReport Evaluate(DomainData domain) => Evaluate(Reported, domain);

    AccuracyReport Evaluate(UdaModel model, DomainData domain)
    {
        model.eval();
        var cache = domain == _source ? Cache(ref _sourceEvalCache, domain.Eval)
                  : domain == _target ? Cache(ref _targetEvalCache, domain.Eval)
                  : throw new ArgumentException("not one of this trainer's domains", nameof(domain));
        var predicted = Evaluation.PredictLabels(cache.Count, (s, n) => model.ClassLogits(model.LatentFromBottom(cache.Maps.narrow(0, s, n))));
        return Evaluation.Report(domain.Eval, predicted);
    }

    /// <summary>Evaluation accuracies of the last epoch (monitoring only), for TensorBoard.</summary>
    public IReadOnlyList<(string Name, double Value)> EpochMetrics { get; private set; } = [];

    /// <inheritdoc/>
    public void EndEpoch(int epoch, string outDir, IProgressSink progress)
    {
        var source = Evaluate(Model, _source);
        var target = Evaluate(Model, _target);
        var reportedTarget = Average is { Count: > 0 } ? Evaluate(Reported, _target).Accuracy : target.Accuracy;
        var averaged = Average is { Count: > 0 } ? $", averaged weights ({Average.Count} steps) {reportedTarget:P2}" : "";
        EpochMetrics = [("source_accuracy", source.Accuracy), ("target_accuracy", target.Accuracy), ("reported_target_accuracy", reportedTarget)];
        progress.Log($"epoch {epoch + 1} ({(Frozen(epoch) ? "backbone frozen" : "fine-tuning")}): source eval accuracy {source.Accuracy:P2}, " +
                     $"target eval accuracy {target.Accuracy:P2}{averaged} (monitoring only; reported: {DannTrainer.ReportedName(_o.AverageFrom)})");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _labelledCache?.Dispose();
        _unlabelledCache?.Dispose();
        _sourceEvalCache?.Dispose();
        _targetEvalCache?.Dispose();
        _targetStream?.Dispose();
    }
}
