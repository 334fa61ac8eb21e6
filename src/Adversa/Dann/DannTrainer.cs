using Adversa.Common;
using Adversa.Data;
using Adversa.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Dann;

public enum DannMode { SourceOnly, Dann, TargetOnly }

/// <summary>How batch-norm statistics are formed in DANN mode.</summary>
public enum BatchNormMode
{
    /// <summary>Source and target images go through the network as one batch: shared statistics (default).</summary>
    Joint,
    /// <summary>Source and target batches go through separately: each domain normalised by its own statistics.</summary>
    Separate,
}

/// <summary>Settings of <c>adversa dann train</c>.</summary>
public sealed record DannOptions(
    string Source,
    string Target,
    DannMode Mode = DannMode.Dann,
    int Epochs = 10,
    int Batch = 128,
    string Optimizer = "adam",
    double LearningRate = 1e-3,
    bool AnnealLearningRate = false,
    double LambdaMax = 0.3,
    BatchNormMode BatchNorm = BatchNormMode.Joint,
    double Holdout = 0.1,
    int Width = 32,
    long Seed = 1,
    bool InstanceNorm = false,
    double TargetEntropy = 0,
    bool IntensityFlip = false,
    double PseudoLabel = 0,
    double PseudoLabelWeight = 1,
    bool ColorJitter = false,
    double TextureBlend = 0,
    int ImageSize = 0,
    double AverageFrom = DannOptions.DefaultAverageFrom)
{
    /// <summary>Weights are averaged over the last quarter of training by default (<c>--average-from</c>).</summary>
    public const double DefaultAverageFrom = 0.75;
}

/// <summary>
/// Domain-adversarial training (Ganin et al. 2016) and its two baselines. Each step takes a labelled batch
/// (source, or target in target-only mode) and, in DANN mode, an unlabelled target batch; the class loss is
/// cross-entropy on labelled images, the domain loss cross-entropy on source-vs-target through the reversal layer.
/// </summary>
public sealed class DannTrainer : ITrainer
{
    public const string Kind = "dann";

    readonly DannOptions _o;
    readonly DataLoader _labelled;
    readonly DataLoader? _unlabelled;
    readonly DomainData _source, _target;
    IEnumerator<Batch>? _targetStream;
    int _targetEpoch = -1;

    /// <summary>The model being trained (the last iterate).</summary>
    public DannModel Model { get; }

    /// <summary>The running average of the weights from <see cref="DannOptions.AverageFrom"/> on; null when off.</summary>
    public WeightAverage? Average { get; }

    /// <summary>The model that is reported: the averaged one once averaging has begun, else the last iterate.</summary>
    public DannModel Reported => Average is { Count: > 0 } ? (DannModel)Average.Averaged : Model;

    public optim.Optimizer Optimizer { get; }
    public Checkpoint State { get; }
    public int BatchesPerEpoch => _labelled.BatchesPerEpoch;
    public int ImagesPerStep => _o.Mode == DannMode.Dann ? 2 * _o.Batch : _o.Batch;
    public long TotalSteps => (long)BatchesPerEpoch * _o.Epochs;
    public List<string> EpochLog { get; } = [];

    /// <summary>The options as trained: <see cref="DannOptions.ImageSize"/> 0 (automatic) resolved for this pair.</summary>
    public DannOptions Options => _o;

    public DannTrainer(DomainData source, DomainData target, DannOptions o)
    {
        CheckTextureBlend(o.TextureBlend);
        WeightAverage.CheckStart(o.AverageFrom);
        if (o.ImageSize == 0) o = o with { ImageSize = DomainData.NativeSize(source, target) };
        _o = o;
        _source = source;
        _target = target;
        manual_seed(o.Seed);
        Model = DannModel.For(o).ToDevice();
        Optimizer = o.Optimizer.ToLowerInvariant() switch
        {
            "adam" => optim.Adam(Model.parameters(), o.LearningRate),
            "sgd" => optim.SGD(Model.parameters(), o.LearningRate, momentum: 0.9),
            _ => throw new AdversaException($"--optimizer must be adam or sgd, not '{o.Optimizer}'"),
        };
        (_labelled, _unlabelled) = AdaptationSetup.Loaders(source, target, o.Mode, o.Batch, Model.Transform, o.Seed);
        State = AdaptationSetup.Checkpoint(Kind, o, source, target, Model, Optimizer);
        if (o.AverageFrom < 1)
        {
            Average = new WeightAverage(DannModel.For(o).ToDevice());
            State.Modules["average"] = Average;
        }
    }

    public IEnumerable<Batch> Batches(int epoch, int skipBatches) => _labelled.Epoch(epoch, skipBatches);

    /// <summary>
    /// The target stream is a pure function of (epoch, batch index): epoch e of the source pairs with the target
    /// batches that follow e * BatchesPerEpoch in the endless target order, so resume sees the same pairs.
    /// </summary>
    Batch NextTarget(int epoch, long step)
    {
        if (_targetEpoch != epoch || _targetStream is null)
        {
            _targetStream?.Dispose();
            long skip = step;
            int perEpoch = _unlabelled!.BatchesPerEpoch;
            int first = (int)(skip / perEpoch);
            _targetStream = Skip(_unlabelled.Forever(first), (int)(skip % perEpoch)).GetEnumerator();
            _targetEpoch = epoch;
        }
        _targetStream.MoveNext();
        return _targetStream.Current;
    }

    static IEnumerable<Batch> Skip(IEnumerable<Batch> s, int n)
    {
        foreach (var b in s)
        {
            if (n-- > 0) { b.Dispose(); continue; }
            yield return b;
        }
    }

    public IReadOnlyList<(string Name, double Value)> Step(Batch batch, int epoch, long step)
    {
        var metrics = OptimizerStep(batch, epoch, step);
        Average?.AfterStep(Model, step, TotalSteps, _o.AverageFrom);
        return metrics;
    }

    IReadOnlyList<(string Name, double Value)> OptimizerStep(Batch batch, int epoch, long step)
    {
        double progress = Math.Min(1.0, (double)step / Math.Max(1, TotalSteps));
        if (_o.AnnealLearningRate)
            foreach (var g in Optimizer.ParamGroups) g.LearningRate = GradientReversal.AnnealedLearningRate(_o.LearningRate, progress);
        Model.train();
        Optimizer.zero_grad();
        var labelled = _o.TextureBlend > 0 ? TextureBlend(batch.Images, _o.TextureBlend) : batch.Images;
        labelled = _o.ColorJitter ? ColorJitter(labelled) : _o.IntensityFlip ? IntensityFlip(labelled) : labelled;
        if (_o.Mode != DannMode.Dann) return AdversarialStep.Supervised(Optimizer, Model.forward(labelled), batch.Labels!);

        double lambda = _o.LambdaMax * GradientReversal.Schedule(progress);
        using var target = NextTarget(epoch, step);
        long ns = batch.Size, nt = target.Size;
        var domainLabels = AdversarialStep.DomainLabels(ns, nt);
        Tensor classLogits, domainLogits, targetLogits;
        if (_o.BatchNorm == BatchNormMode.Joint)
        {
            var latent = Model.Features(cat([labelled, target.Images], 0));
            // The class classifier sees the joint batch too (only the source part enters the loss), so its batch-norm
            // statistics are those of both domains, as everywhere else in the network, not the source's alone.
            var logits = Model.ClassLogits(latent);
            classLogits = logits.narrow(0, 0, ns);
            targetLogits = logits.narrow(0, ns, nt);
            domainLogits = Model.DomainLogits(latent, lambda);
        }
        else
        {
            // Each domain through the whole network on its own, as the reference implementation does: every
            // batch-norm layer (features and domain head) sees one domain per batch.
            var sourceLatent = Model.Features(labelled);
            var targetLatent = Model.Features(target.Images);
            domainLogits = cat([Model.DomainLogits(sourceLatent, lambda), Model.DomainLogits(targetLatent, lambda)], 0);
            classLogits = Model.ClassLogits(sourceLatent);
            targetLogits = _o.TargetEntropy > 0 || _o.PseudoLabel > 0 ? Model.ClassLogits(targetLatent) : classLogits;
        }
        return AdversarialStep.Adversarial(Optimizer, classLogits, batch.Labels!, domainLogits, domainLabels, lambda,
                                           AdversarialStep.EntropyTerm(targetLogits, _o.TargetEntropy, progress),
                                           AdversarialStep.PseudoLabelTerm(targetLogits, _o.PseudoLabel, _o.PseudoLabelWeight, progress));
    }

    /// <summary>
    /// Augmentation of the labelled images: each colour channel of each image is inverted (x -> -x on the [-1, 1]
    /// scale) with probability 1/2, the intensity flips of French et al. (2018). Digits then come in both polarities
    /// and in colour-inverted variants, as MNIST-M's and SVHN's do. Draws from the global generator, so a resumed run
    /// draws the same flips.
    /// </summary>
    public static Tensor IntensityFlip(Tensor images)
    {
        var sign = randint(0, 2, [images.shape[0], images.shape[1], 1, 1]).to_type(images.dtype) * 2 - 1;
        return images * sign;
    }

    /// <summary>
    /// A wider augmentation of the labelled images than <see cref="IntensityFlip"/>, which it contains: each colour
    /// channel of each image becomes s*g*x + b with a random sign s, gain g ~ U(0.25, 1) and offset
    /// b ~ U(-(1-g), 1-g), so values stay in [-1, 1] while polarity, contrast and brightness vary per channel
    /// (MNIST-M's digits differ from their background by anything from a faint to a full-contrast colour step).
    /// </summary>
    public static Tensor ColorJitter(Tensor images)
    {
        long[] shape = [images.shape[0], images.shape[1], 1, 1];
        var gain = rand(shape, dtype: images.dtype) * 0.75 + 0.25;
        var sign = randint(0, 2, shape).to_type(images.dtype) * 2 - 1;
        var offset = (rand(shape, dtype: images.dtype) * 2 - 1) * (1 - gain);
        return offset.addcmul(images, gain * sign, 1); // offset + images * gain * sign in one pass
    }

    /// <summary>
    /// Puts each labelled image, with probability <paramref name="probability"/>, on a random colour texture the way
    /// MNIST-M was made from MNIST (pixel = |texture - digit| on a [0, 1] scale, Ganin et al. 2016), with textures
    /// drawn procedurally here (a coarse and a fine random colour grid, bilinearly upsampled and mixed per image),
    /// not taken from the target: the digit's grey level is the mean of its channels. Other images pass unchanged.
    /// </summary>
    public static Tensor TextureBlend(Tensor images, double probability)
    {
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        using var scope = NewDisposeScope();
        var digit = images.mean([1], keepdim: true).mul_(0.5).add_(0.5).clamp_(0, 1);
        var coarse = Upsample(rand(n, c, 4, 4, dtype: images.dtype), h, w);
        var fine = Upsample(rand(n, c, 16, 16, dtype: images.dtype), h, w);
        var mix = rand(n, 1, 1, 1, dtype: images.dtype);
        // In place on fresh tensors (fewer passes and allocations): texture = mix * coarse + (1 - mix) * fine, then |texture - digit| on [-1, 1].
        var blended = fine.lerp_(coarse, mix).sub_(digit).abs_().mul_(2).sub_(1);
        var chosen = rand(n, 1, 1, 1, dtype: images.dtype).lt(probability);
        return where(chosen, blended, images).MoveToOuterDisposeScope();
    }

    /// <summary>Throws the one-line error for a <c>--texture-blend</c> probability outside 0-1.</summary>
    public static void CheckTextureBlend(double probability)
    {
        if (probability is < 0 or > 1) throw new AdversaException($"--texture-blend is a probability, 0 to 1, not {probability}");
    }

    /// <summary>
    /// Bilinear upsampling (align_corners) of [N, C, k, k] grids to [N, C, h, w] as two small matrix products with the
    /// interpolation matrices: the same values as <c>F.interpolate</c>, whose CPU kernel took ~5 ms per batch here.
    /// </summary>
    public static Tensor Upsample(Tensor grid, long h, long w)
    {
        using var rows = BilinearMatrix(h, grid.shape[2], grid.dtype);
        using var cols = BilinearMatrix(w, grid.shape[3], grid.dtype);
        // Columns first, then rows on the transposed result, so both are plain products over the folded batch rather
        // than a broadcast batched one (chosen, not measured: this machine's timing noise hid any difference).
        return grid.matmul(cols.t()).transpose(2, 3).matmul(rows.t()).transpose(2, 3).contiguous();
    }

    /// <summary>The [size, k] matrix whose row i holds the align_corners bilinear weights of output i on k inputs.</summary>
    public static Tensor BilinearMatrix(long size, long k, ScalarType dtype)
    {
        var m = new float[size * k];
        for (long i = 0; i < size; i++)
        {
            double src = size == 1 ? 0 : i * (double)(k - 1) / (size - 1);
            long i0 = Math.Min((long)Math.Floor(src), k - 1), i1 = Math.Min(i0 + 1, k - 1);
            float frac = (float)(src - i0);
            m[i * k + i0] += 1 - frac;
            m[i * k + i1] += frac;
        }
        return tensor(m, [size, k]).to_type(dtype);
    }

    /// <summary>What the reported model is, in words, for outputs and result files.</summary>
    public static string ReportedName(double averageFrom) =>
        averageFrom < 1 ? $"the weights averaged over the last {1 - averageFrom:P0} of training's steps" : "the last epoch's weights";

    public void EndEpoch(int epoch, string outDir, IProgressSink progress)
    {
        var source = Evaluation.Evaluate(Model, _source.Eval);
        var target = Evaluation.Evaluate(Model, _target.Eval);
        Model.train();
        var averaged = Average is { Count: > 0 } ? $", averaged weights ({Average.Count} steps) {Evaluation.Evaluate(Reported, _target.Eval).Accuracy:P2}" : "";
        var line = $"epoch {epoch + 1}: source eval accuracy {source.Accuracy:P2}, target eval accuracy {target.Accuracy:P2}{averaged} " +
                   $"(monitoring only; reported: {ReportedName(_o.AverageFrom)})";
        EpochLog.Add(line);
        progress.Log(line);
    }
}
