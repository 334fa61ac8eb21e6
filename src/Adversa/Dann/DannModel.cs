using Adversa.Adaptation;
using Adversa.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Adversa.Dann;

/// <summary>
/// DANN for 3-channel digits of side 26 to 32 (32: SVHN's and MNIST-M's size; 28: MNIST's). Feature extractor: a
/// 5x5 convolution with one max-pool, then two strided convolutions, each with BatchNorm and LeakyReLU, to an 800-d
/// latent vector (50x4x4, the study's size, for every side in that range).
/// Class classifier 800-100-100-10 and domain classifier 800-100-2 (BatchNorm, ReLU, Dropout), the domain one
/// behind the gradient reversal layer. Both heads return logits (cross-entropy = log-softmax + NLL in one stable op).
/// </summary>
public sealed class DannModel : Module<Tensor, Tensor>, IAdaptationModel
{
    /// <summary>Size of the latent vector (50 channels x 4 x 4).</summary>
    public const int LatentSize = 800;

    readonly Sequential features;
    readonly Sequential classifier;
    readonly Sequential domain;

    /// <summary>Whether each input image is standardised per channel before the first convolution.</summary>
    public bool InstanceNorm { get; }

    /// <summary>The model a set of training options describes.</summary>
    public static DannModel For(DannOptions o) => new(o.Width, instanceNorm: o.InstanceNorm, imageSize: o.ImageSize);

    /// <summary>Input sides the network maps to the 4x4 latent grid (pool, then two stride-2 convolutions).</summary>
    public const int MinSize = 26, MaxSize = 32;

    /// <summary>
    /// The input side for a pair of domains when none is asked for: the larger of their native sides, within what
    /// the network takes (26 to 32), so the larger domain is never downsampled: 32 for any pair with SVHN, MNIST-M
    /// (32x32 in its official release) or a synthetic domain, 28 for MNIST with USPS. A smaller side can be asked
    /// for (<c>--size 28</c>: 1.3x fewer pixels, faster).
    /// </summary>
    public static int NativeSize(DomainData a, DomainData b) =>
        Math.Clamp(Math.Max(a.Train.Height, b.Train.Height), MinSize, MaxSize);

    /// <summary>Side of the square inputs this model was built for.</summary>
    public int ImageSize { get; }

    /// <summary>What every image goes through before this model: resize to <see cref="ImageSize"/>, 3 channels, [-1, 1].</summary>
    public ImageTransform Transform => DomainData.TransformFor(ImageSize);

    /// <param name="width">Channels of the first convolution (the second has twice as many): accuracy against speed.</param>
    /// <param name="instanceNorm">
    /// Standardise every image per channel (zero mean, unit variance over its pixels) before the network, as VADA
    /// (Shu et al. 2018) does for digits: removes each domain's global colour and contrast, the easiest cue to tell
    /// the domains apart. No parameters, so checkpoints are the same shape either way.
    /// </param>
    /// <param name="imageSize">Side of the inputs, <see cref="MinSize"/> to <see cref="MaxSize"/>.</param>
    public DannModel(int width = 32, int classes = 10, double dropout = 0.5, bool instanceNorm = false, int imageSize = 32) : base("DannModel")
    {
        if (imageSize is < MinSize or > MaxSize)
            throw new Common.AdversaException($"--size must be {MinSize} to {MaxSize} (the network maps those to its 4x4 latent grid), not {imageSize}");
        InstanceNorm = instanceNorm;
        ImageSize = imageSize;
        features = Sequential(
            // Max-pool straight after the first convolution, before its batch norm and activation: the same network
            // up to the sign of BN's scale (LeakyReLU is monotonic, so it commutes with max), but the element-wise
            // layers then run on a quarter of the pixels: the DANN step is 1.45x faster (bench dann-variants).
            ("conv1", Conv2d(3, width, 5, 1, 2)), ("pool1", MaxPool2d(2)), ("bn1", BatchNorm2d(width)), ("act1", LeakyReLU(0.2)),
            ("conv2", Conv2d(width, 2 * width, 5, 2, 2)), ("bn2", BatchNorm2d(2 * width)), ("act2", LeakyReLU(0.2)),
            ("conv3", Conv2d(2 * width, 50, 3, 2, 1)), ("bn3", BatchNorm2d(50)), ("act3", LeakyReLU(0.2)),
            ("flatten", Flatten()));
        classifier = ClassHead(classes, dropout);
        domain = DomainHead();
        RegisterComponents();
    }

    /// <summary>The study's class classifier on the 800-d latent vector: 800-100-100-classes.</summary>
    public static Sequential ClassHead(int classes, double dropout) => Sequential(
        ("fc1", Linear(LatentSize, 100)), ("bn1", BatchNorm1d(100)), ("act1", ReLU()), ("drop1", Dropout(dropout)),
        ("fc2", Linear(100, 100)), ("bn2", BatchNorm1d(100)), ("act2", ReLU()),
        ("fc3", Linear(100, classes)));

    /// <summary>The study's domain classifier on the 800-d latent vector: 800-100-2 (fed through the reversal layer).</summary>
    public static Sequential DomainHead() => Sequential(
        ("fc1", Linear(LatentSize, 100)), ("bn1", BatchNorm1d(100)), ("act1", ReLU()),
        ("fc2", Linear(100, 2)));

    /// <summary>Latent features [B, 800] (what the t-SNE plots show).</summary>
    public Tensor Features(Tensor x) => features.forward(InstanceNorm ? Standardise(x) : x);

    /// <summary>Per-image, per-channel standardisation: (x - mean) / (std + 1e-5) over height and width.</summary>
    public static Tensor Standardise(Tensor x)
    {
        var (std, mean) = std_mean(x, [2, 3], keepdim: true);
        return (x - mean) / (std + 1e-5);
    }

    /// <inheritdoc/>
    public Tensor ClassLogits(Tensor latent) => classifier.forward(latent);

    /// <summary>Domain logits through the gradient reversal layer with strength <paramref name="lambda"/>.</summary>
    public Tensor DomainLogits(Tensor latent, double lambda) => domain.forward(GradientReversal.Apply(latent, lambda));

    /// <summary>Class logits for images.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return ClassLogits(Features(x)).MoveToOuterDisposeScope();
    }
}
