using Adversa.Common;
using Adversa.Data;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Gan;

/// <summary>The settings both GAN trainers share; <see cref="GanTrainOptions"/> and the ACGAN's options record implement it.</summary>
public interface IGanTrainSettings
{
    DcganOptions Model { get; }
    int Epochs { get; }
    int Batch { get; }
    double LearningRate { get; }
    double Beta1 { get; }
    double Beta2 { get; }
    int LrDecayEvery { get; }
    double LrDecayFactor { get; }
    /// <summary>Target for real images in D's loss (below 1: one-sided label smoothing).</summary>
    double RealLabel { get; }
    /// <summary>Std of the Gaussian noise added to every image D sees (0: off).</summary>
    double InstanceNoise { get; }
    long Seed { get; }
    /// <summary>Point of training after which the generator's weights are averaged (1: off).</summary>
    double AverageFrom { get; }
    /// <summary>DiffAugment policies, comma-separated ("": off).</summary>
    string DiffAugmentation { get; }
}

/// <summary>
/// What the DCGAN and the ACGAN share: the face loader, the generator and its weight average, a discriminator, two Adam
/// optimizers with the step decay, what D sees of an image (DiffAugment, then instance noise) and the checkpoint. A
/// family gives its discriminator, its D-then-G update (<see cref="Update"/>) and its per-epoch sample figure.
/// </summary>
public abstract class GanTrainer : ITrainer
{
    /// <summary>Faces in model space: 3x64x64 on [-1, 1].</summary>
    public static readonly ImageTransform Transform = new(64, 3, Normalization.MinusOneToOne);

    readonly DataLoader _loader;
    readonly IGanTrainSettings _s;
    readonly string[] _augment;

    /// <summary>Noise for the per-epoch sample figure (its own generator: it never disturbs training's random draws).</summary>
    protected Tensor FixedNoise { get; }

    public DcganGenerator G { get; }

    /// <summary>The discriminator as a module (each family exposes its own type as D).</summary>
    protected nn.Module Discriminator { get; }

    /// <summary>The generator's weights averaged over the steps after <see cref="IGanTrainSettings.AverageFrom"/> of training; null when off.</summary>
    public WeightAverage? Average { get; }

    /// <summary>The generator that samples, figures and metrics use: the averaged one once averaging has begun, else <see cref="G"/>.</summary>
    public DcganGenerator Reported => Average is { Count: > 0 } ? (DcganGenerator)Average.Averaged : G;

    public TorchSharp.Modules.Adam OptG { get; }
    public TorchSharp.Modules.Adam OptD { get; }
    /// <inheritdoc/>
    public Checkpoint State { get; }
    /// <inheritdoc/>
    public int BatchesPerEpoch => _loader.BatchesPerEpoch;
    /// <inheritdoc/>
    public int ImagesPerStep => _s.Batch;
    /// <inheritdoc/>
    public string? EpochImage { get; protected set; }
    long TotalSteps => (long)BatchesPerEpoch * _s.Epochs;

    /// <param name="recorded">The options as the checkpoint records them.</param>
    /// <param name="sampleCount">Noise vectors of the per-epoch sample figure.</param>
    protected GanTrainer(string kind, ImageSet data, IGanTrainSettings s, object recorded, Func<DcganGenerator> buildG, Func<nn.Module> buildD, int sampleCount)
    {
        _s = s;
        _augment = DiffAugment.Parse(s.DiffAugmentation);
        manual_seed(s.Seed);
        G = buildG().ToDevice();
        Discriminator = buildD().ToDevice();
        OptG = optim.Adam(G.parameters(), s.LearningRate, s.Beta1, s.Beta2);
        OptD = optim.Adam(Discriminator.parameters(), s.LearningRate, s.Beta1, s.Beta2);
        _loader = GanSetup.Loader(data, s.Batch, s.Seed);
        FixedNoise = GanSetup.FixedNoise(sampleCount, s.Model.LatentSize, s.Seed);
        State = GanSetup.State(kind, recorded, data, G, Discriminator, OptG, OptD);
        Average = GanSetup.GeneratorAverage(State, s.AverageFrom, buildG);
    }

    /// <inheritdoc/>
    public IEnumerable<Batch> Batches(int epoch, int skipBatches) => _loader.Epoch(epoch, skipBatches);

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, double Value)> Step(Batch batch, int epoch, long step)
    {
        new StepDecay(_s.LearningRate, _s.LrDecayEvery, _s.LrDecayFactor).Apply(epoch, OptG, OptD);
        G.train();
        Discriminator.train();
        var metrics = Update(batch);
        Average?.AfterStep(G, step, TotalSteps, _s.AverageFrom);
        return metrics;
    }

    /// <summary>One D update then one G update on a batch of real faces; returns the metrics to log.</summary>
    protected abstract IReadOnlyList<(string Name, double Value)> Update(Batch batch);

    /// <summary>What D sees of an image: differentiable augmentation (when on), then instance noise.</summary>
    protected Tensor Seen(Tensor x) => GanSetup.Noisy(DiffAugment.Apply(x, _augment), _s.InstanceNoise);

    /// <summary>The target of real images in D's loss.</summary>
    protected Tensor RealTargets(long n) => full(n, _s.RealLabel);

    /// <inheritdoc/>
    public abstract void EndEpoch(int epoch, string outDir, IProgressSink progress);
}
