using Adversa.Adaptation;
using Adversa.Common;
using Adversa.Data;
using Adversa.MeanTeacher;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Dann;

/// <summary>How batch-norm statistics are formed in DANN mode.</summary>
public enum BatchNormMode
{
    /// <summary>Source and target images go through the network as one batch: shared statistics (default).</summary>
    Joint,
    /// <summary>Source and target batches go through separately: each domain normalised by its own statistics.</summary>
    Separate,
}

/// <summary>Settings of <c>adversa dann train</c>.</summary>
/// <param name="Shift">Random shift of each labelled image by up to this many pixels each way (<see cref="Augment.RandomShift"/>); 0 = off,
/// and then left out of the serialised options, so the settings key of a reproduce part stored before the option existed still matches.</param>
/// <param name="TeacherDecay">Mean teacher: the teacher's exponential-moving-average decay per step (French et al.: 0.99).</param>
/// <param name="ConsistencyWeight">Mean teacher: weight of the student–teacher consistency loss (French et al.: 3).</param>
/// <param name="Confidence">Mean teacher: the teacher's class probability a target image needs to count (French et al.: 0.968).</param>
/// <param name="ClassBalance">Mean teacher: weight of the class-balance loss (French et al.: 0.005).</param>
/// <param name="Adversarial">Mean teacher: also DANN's domain loss through the reversal layer (scaled by <paramref name="LambdaMax"/>).</param>
/// <param name="StrongView">Mean teacher: the student's view of each target batch is strongly augmented (<see cref="Augment.Strong"/>:
/// colour jitter and an affine warp) while the teacher keeps the weak one, FixMatch's weak/strong pairing (Sohn et al. 2020).</param>
/// <param name="AlignDistribution">Mean teacher: the teacher's target probabilities are aligned to a uniform class distribution per batch
/// before the confidence threshold (<see cref="MeanTeacherStep.AlignToUniform"/>; ReMixMatch/AdaMatch's distribution alignment).</param>
/// <param name="CleanTeacher">Mean teacher: the teacher sees each target batch shifted but without the student's noise, and follows the
/// student's parameters only, keeping the batch-norm statistics of the views it sees itself (as French et al.'s code keeps its own):
/// its statistics then describe the clean target images it is evaluated on, not noisy views of both domains.</param>
public sealed record DannOptions(
    string Source,
    string Target,
    AdaptationMethod Mode = AdaptationMethod.Dann,
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
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] int Shift = 0,
    int ImageSize = 0,
    double AverageFrom = DannOptions.DefaultAverageFrom,
    double TeacherDecay = 0.99,
    double ConsistencyWeight = 3,
    double Confidence = 0.968,
    double ClassBalance = 0.005,
    bool Adversarial = false,
    bool StrongView = false,
    bool AlignDistribution = false,
    bool CleanTeacher = false)
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
    /// <summary>The checkpoint kind of DANN-network runs (every mode).</summary>
    public const string Kind = "dann";

    readonly DannOptions _o;
    readonly DataLoader _labelled;
    readonly TargetStream? _unlabelled;
    readonly DomainData _source, _target;

    /// <summary>The model being trained (the last iterate).</summary>
    public DannModel Model { get; }

    /// <summary>The running average of the weights from <see cref="DannOptions.AverageFrom"/> on; null when off.</summary>
    public WeightAverage? Average { get; }

    /// <summary>
    /// The model that is reported: the averaged one once averaging has begun (the mean teacher: the teacher, from
    /// the first step), else the last iterate.
    /// </summary>
    public DannModel Reported => Average is { Count: > 0 } ? (DannModel)Average.Averaged : Model;

    /// <summary>Adam or SGD over the network's parameters.</summary>
    public optim.Optimizer Optimizer { get; }
    /// <inheritdoc/>
    public Checkpoint State { get; }
    /// <inheritdoc/>
    public int BatchesPerEpoch => _labelled.BatchesPerEpoch;
    /// <inheritdoc/>
    public int ImagesPerStep => AdaptationMethods.UsesUnlabelledTarget(_o.Mode) ? 2 * _o.Batch : _o.Batch;
    /// <summary>Optimizer steps of the whole run.</summary>
    public long TotalSteps => (long)BatchesPerEpoch * _o.Epochs;
    /// <summary>One line per finished epoch with its monitoring accuracies.</summary>
    public List<string> EpochLog { get; } = [];

    /// <summary>The options as trained: <see cref="DannOptions.ImageSize"/> 0 (automatic) resolved for this pair.</summary>
    public DannOptions Options => _o;

    /// <summary>Builds the network, optimizer, loaders and checkpoint for the two domains.</summary>
    public DannTrainer(DomainData source, DomainData target, DannOptions o)
    {
        Augment.CheckTextureBlend(o.TextureBlend);
        Augment.CheckShift(o.Shift);
        WeightAverage.CheckStart(o.AverageFrom);
        if (o.ImageSize == 0) o = o with { ImageSize = DannModel.NativeSize(source, target) };
        _o = o;
        _source = source;
        _target = target;
        manual_seed(o.Seed);
        Model = DannModel.For(o).ToDevice();
        Optimizer = o.Optimizer.ToLowerInvariant() switch
        {
            "adam" => new Adam(Model.parameters(), o.LearningRate),
            "sgd" => optim.SGD(Model.parameters(), o.LearningRate, momentum: 0.9),
            _ => throw new AdversaException($"--optimizer must be adam or sgd, not '{o.Optimizer}'"),
        };
        (_labelled, _unlabelled) = AdaptationSetup.Loaders(source, target, o.Mode, o.Batch, Model.Transform, o.Seed);
        State = AdaptationSetup.Checkpoint(Kind, o, source, target, Model, Optimizer);
        if (o.Mode == AdaptationMethod.MeanTeacher)
        {
            Average = new WeightAverage(DannModel.For(o).ToDevice(), o.TeacherDecay, parametersOnly: o.CleanTeacher);
            State.Modules["average"] = Average;
        }
        else if (o.AverageFrom < 1)
        {
            Average = new WeightAverage(DannModel.For(o).ToDevice());
            State.Modules["average"] = Average;
        }
    }

    /// <inheritdoc/>
    public IEnumerable<Batch> Batches(int epoch, int skipBatches) => _labelled.Epoch(epoch, skipBatches);

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, double Value)> Step(Batch batch, int epoch, long step)
    {
        var metrics = OptimizerStep(batch, epoch, step);
        if (_o.Mode == AdaptationMethod.MeanTeacher) Average!.Update(Model);
        else Average?.AfterStep(Model, step, TotalSteps, _o.AverageFrom);
        return metrics;
    }

    IReadOnlyList<(string Name, double Value)> OptimizerStep(Batch batch, int epoch, long step)
    {
        double progress = Math.Min(1.0, (double)step / Math.Max(1, TotalSteps));
        if (_o.AnnealLearningRate)
            foreach (var g in Optimizer.ParamGroups) g.LearningRate = GradientReversal.AnnealedLearningRate(_o.LearningRate, progress);
        Model.train();
        Optimizer.zero_grad();
        var labelled = _o.TextureBlend > 0 ? Augment.TextureBlend(batch.Images, _o.TextureBlend) : batch.Images;
        labelled = _o.ColorJitter ? Augment.ColorJitter(labelled) : _o.IntensityFlip ? Augment.IntensityFlip(labelled) : labelled;
        if (_o.Shift > 0) labelled = Augment.RandomShift(labelled, _o.Shift);
        if (_o.Mode == AdaptationMethod.MeanTeacher)
        {
            using var unlabelled = _unlabelled!.At(step);
            return MeanTeacherStep.Step(Optimizer, Model, (DannModel)Average!.Averaged, labelled, batch.Labels!, unlabelled.Images,
                                        new MeanTeacherSettings(Confidence: _o.Confidence, ConsistencyWeight: _o.ConsistencyWeight, ClassBalance: _o.ClassBalance,
                                                                Adversarial: _o.Adversarial, LambdaMax: _o.LambdaMax, StrongView: _o.StrongView,
                                                                AlignDistribution: _o.AlignDistribution, CleanTeacher: _o.CleanTeacher), progress);
        }
        if (_o.Mode != AdaptationMethod.Dann) return AdversarialStep.Supervised(Optimizer, Model.forward(labelled), batch.Labels!);

        double lambda = _o.LambdaMax * GradientReversal.Schedule(progress);
        using var target = _unlabelled!.At(step);
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

    /// <summary>What the reported model is, in words, for outputs and result files.</summary>
    public static string ReportedName(double averageFrom) =>
        averageFrom < 1 ? $"the weights averaged over the last {1 - averageFrom:P0} of training's steps" : "the last epoch's weights";

    /// <summary>What the reported model of these options is, in words.</summary>
    public static string ReportedName(DannOptions o) => o.Mode == AdaptationMethod.MeanTeacher
        ? $"the teacher (the student's weights averaged exponentially, decay {o.TeacherDecay})"
        : ReportedName(o.AverageFrom);

    /// <summary>Evaluation accuracies of the last epoch (monitoring only), for TensorBoard.</summary>
    public IReadOnlyList<(string Name, double Value)> EpochMetrics { get; private set; } = [];

    /// <summary>The last collapse check's warning (<see cref="CheckCollapse"/>; for the mean teacher also a too-low <c>--confidence</c>), or null.</summary>
    public string? Collapse { get; private set; }

    /// <inheritdoc/>
    public void EndEpoch(int epoch, string outDir, IProgressSink progress)
    {
        var source = DannRun.Evaluate(Model, _source.Eval);
        var target = DannRun.Evaluate(Model, _target.Eval);
        Model.train();
        var reportedTarget = Average is { Count: > 0 } ? DannRun.Evaluate(Reported, _target.Eval).Accuracy : target.Accuracy;
        var averaged = Average is { Count: > 0 } ? $", averaged weights ({Average.Count} steps) {reportedTarget:P2}" : "";
        EpochMetrics = [("source_accuracy", source.Accuracy), ("target_accuracy", target.Accuracy), ("reported_target_accuracy", reportedTarget)];
        var line = $"epoch {epoch + 1}: source eval accuracy {source.Accuracy:P2}, target eval accuracy {target.Accuracy:P2}{averaged} " +
                   $"(monitoring only; reported: {ReportedName(_o)})";
        EpochLog.Add(line);
        progress.Log(line);
        if (CheckCollapse() is { } collapse) progress.Log(collapse);
    }

    long _collapseCheckedAt = -1;

    /// <summary>
    /// The collapse check (<see cref="Evaluation.CollapseWarning"/>; for the mean teacher, failing that, <see cref="MeanTeacherStep.SettingsWarning"/>) of the reported model on the target's unlabelled training images,
    /// for methods that train on them (else null); computed once per training step reached, so the end of an epoch and the run's
    /// final report share one pass. Leaves the trained model in the mode it was in.
    /// </summary>
    public string? CheckCollapse()
    {
        if (!AdaptationMethods.UsesUnlabelledTarget(_o.Mode)) return null;
        if (_collapseCheckedAt == State.Step) return Collapse;
        bool training = Model.training;
        var reported = Reported;
        reported.eval();
        Collapse = Evaluation.CollapseWarning(Evaluation.PredictedShares(reported.forward, _target.Train, reported.Transform, _target.Train.NumClasses), _target.Name)
                   ?? (_o.Mode == AdaptationMethod.MeanTeacher ? MeanTeacherStep.SettingsWarning(_o.Confidence) : null);
        Model.train(training);
        _collapseCheckedAt = State.Step;
        return Collapse;
    }
}
