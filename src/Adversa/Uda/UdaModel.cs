using Adversa.Adaptation;
using Adversa.Backbones;
using Adversa.Dann;
using TorchSharp.Modules;
using ResNet = Adversa.Backbones.ResNet;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Adversa.Uda;

/// <summary>The head between the backbone's layer4 map and the 800-d latent.</summary>
public enum UdaHead
{
    /// <summary>1x1 reduction to 128 channels, bilinear upsampling to 4x4, 3x3 convolution to 50 channels (Adversa's default).</summary>
    Reduce,
    /// <summary>The study's "r_conv" layers: transposed convolutions 512→256→128→64 with ReLU (each doubling the map), pooled to 4x4,
    /// then the same 3x3 convolution to 50 channels.</summary>
    Rconv,
}

/// <summary>
/// The study's improved UDA model: an ImageNet-pretrained ResNet backbone (its top stages fine-tunable), a small convolutional head on its
/// layer4 feature map (1x1 reduction, bilinear upsampling to 4x4 whatever the input size, a 3x3 convolution to
/// 50 channels: the same 800-d latent vector as DANN), and DANN's class and domain classifiers, the domain one
/// behind the gradient reversal layer.
/// </summary>
public sealed class UdaModel : Module<Tensor, Tensor>, IAdaptationModel
{
    /// <summary>Channels of the head's 1x1 reduction.</summary>
    public const int HeadChannels = 128;

    readonly ResNet backbone;
    readonly Sequential head;
    readonly Sequential classifier;
    readonly Sequential domain;

    /// <param name="topStages">How many of the backbone's four stages are fine-tuned (from the top); the rest stay frozen.</param>
    /// <param name="headKind">Which head maps the layer4 map to the latent (<see cref="UdaHead"/>).</param>
    public UdaModel(ResNet backbone, int topStages = 1, int classes = 10, double dropout = 0.5, UdaHead headKind = UdaHead.Reduce) : base("UdaModel")
    {
        if (topStages is < 0 or > 4) throw new Common.AdversaException($"--finetune-stages must be 0 to 4, not {topStages}");
        TopStages = topStages;
        this.backbone = backbone;
        head = headKind == UdaHead.Rconv ? RconvHead(backbone.FeatureChannels) : Sequential(
            ("reduce", Conv2d(backbone.FeatureChannels, HeadChannels, 1)), ("bn1", BatchNorm2d(HeadChannels)), ("act1", ReLU()),
            ("up", Upsample(size: [4, 4], mode: UpsampleMode.Bilinear, align_corners: false)),
            ("conv", Conv2d(HeadChannels, 50, 3, 1, 1)), ("bn2", BatchNorm2d(50)), ("act2", LeakyReLU(0.2)),
            ("flatten", Flatten()));
        classifier = DannModel.ClassHead(classes, dropout);
        domain = DannModel.DomainHead();
        RegisterComponents();
    }

    /// <summary>The study's r_conv head: three 2x2, stride-2 transposed convolutions (512→256→128→64, ReLU), the map pooled to 4x4,
    /// a 3x3 convolution to 50 channels (batch norm, leaky ReLU) and flattened: the same 800-d latent as the default head.</summary>
    static Sequential RconvHead(long channels) => Sequential(
        ("r_conv1", ConvTranspose2d(channels, 256, 2, 2)), ("act1", ReLU()),
        ("r_conv2", ConvTranspose2d(256, 128, 2, 2)), ("act2", ReLU()),
        ("r_conv3", ConvTranspose2d(128, 64, 2, 2)), ("act3", ReLU()),
        ("pool", AdaptiveAvgPool2d(4)),
        ("conv", Conv2d(64, 50, 3, 1, 1)), ("bn", BatchNorm2d(50)), ("act4", LeakyReLU(0.2)),
        ("flatten", Flatten()));

    /// <summary>The pretrained ResNet.</summary>
    public ResNet Backbone => backbone;
    /// <summary>The head from the ResNet's map to the 800-d latent.</summary>
    public Sequential Head => head;
    /// <summary>Backbone stages (from layer4 down) that fine-tuning trains.</summary>
    public int TopStages { get; }

    /// <summary>The modules trained from scratch (everything but the backbone).</summary>
    public IEnumerable<Parameter> HeadParameters() => head.parameters().Concat(classifier.parameters()).Concat(domain.parameters());

    /// <summary>The backbone stages that are fine-tuned after the frozen phase.</summary>
    public IEnumerable<Parameter> TopParameters() => backbone.TopParameters(TopStages);

    /// <summary>Output of the never-trained part of the backbone (what training caches once).</summary>
    public Tensor Bottom(Tensor x) => backbone.Bottom(x, TopStages);

    /// <summary>The 800-d latent vector from <see cref="Bottom"/>'s output, through the fine-tuned stages and the head.</summary>
    public Tensor LatentFromBottom(Tensor bottom)
    {
        using var scope = NewDisposeScope();
        return Latent(backbone.Top(bottom, TopStages)).MoveToOuterDisposeScope();
    }

    /// <summary>Backbone layer4 map [B,512,H/32,W/32].</summary>
    public Tensor BackboneMap(Tensor x) => backbone.Features(x);

    /// <summary>The 800-d latent vector from a backbone map.</summary>
    public Tensor Latent(Tensor map) => head.forward(map);

    /// <summary>Latent features of images [B, 800] (what the t-SNE plots show).</summary>
    public Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Latent(BackboneMap(x)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor ClassLogits(Tensor latent) => classifier.forward(latent);

    /// <inheritdoc/>
    public Tensor DomainLogits(Tensor latent, double lambda) => domain.forward(GradientReversal.Apply(latent, lambda));

    /// <summary>Class logits for images.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return ClassLogits(Features(x)).MoveToOuterDisposeScope();
    }

    /// <summary>Training mode for the head and classifiers; the backbone's batch norm keeps its ImageNet statistics.</summary>
    public void TrainHeads()
    {
        train();
        backbone.eval();
    }
}
