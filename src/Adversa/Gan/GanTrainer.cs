using Adversa.Common;
using Adversa.Data;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Gan;

/// <summary>The settings both GAN trainers share; <see cref="GanTrainOptions"/> and the ACGAN's options record implement it.</summary>
public interface IGanTrainSettings
{
    /// <summary>Latent size and widths.</summary>
    DcganOptions Model { get; }
    /// <summary>Passes over the faces.</summary>
    int Epochs { get; }
    /// <summary>Faces per step.</summary>
    int Batch { get; }
    /// <summary>Adam's learning rate for G and D.</summary>
    double LearningRate { get; }
    /// <summary>Adam's beta1.</summary>
    double Beta1 { get; }
    /// <summary>Adam's beta2.</summary>
    double Beta2 { get; }
    /// <summary>Epochs between two learning-rate decays (0: never).</summary>
    int LrDecayEvery { get; }
    /// <summary>Factor of each decay.</summary>
    double LrDecayFactor { get; }
    /// <summary>Target for real images in D's loss (below 1: one-sided label smoothing).</summary>
    double RealLabel { get; }
    /// <summary>Std of the Gaussian noise added to every image D sees (0: off).</summary>
    double InstanceNoise { get; }
    /// <summary>Seed of weights, data order and noise.</summary>
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

    /// <summary>The generator being trained.</summary>
    public DcganGenerator G { get; }

    /// <summary>The discriminator as a module (each family exposes its own type as D).</summary>
    protected nn.Module Discriminator { get; }

    /// <summary>The generator's weights averaged over the steps after <see cref="IGanTrainSettings.AverageFrom"/> of training; null when off.</summary>
    public WeightAverage? Average { get; }

    /// <summary>The generator that samples, figures and metrics use: the averaged one once averaging has begun, else <see cref="G"/>.</summary>
    public DcganGenerator Reported => Average is { Count: > 0 } ? (DcganGenerator)Average.Averaged : G;

    /// <summary>The generator's optimizer.</summary>
    public TorchSharp.Modules.Adam OptG { get; }
    /// <summary>The discriminator's optimizer.</summary>
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
        OptG = new Adam(G.parameters(), s.LearningRate, s.Beta1, s.Beta2);
        OptD = new Adam(Discriminator.parameters(), s.LearningRate, s.Beta1, s.Beta2);
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
