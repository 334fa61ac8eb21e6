using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Adversa.Backbones;

/// <summary>torchvision's BasicBlock: two 3x3 convs with batch norm and an identity (or 1x1 projected) shortcut.</summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2;
    readonly BatchNorm2d bn1, bn2;
    readonly Sequential? downsample;
    readonly long stride;

    /// <summary>A two-convolution residual block from <paramref name="inPlanes"/> to <paramref name="planes"/> channels.</summary>
    public BasicBlock(long inPlanes, long planes, long stride) : base("BasicBlock")
    {
        this.stride = stride;
        conv1 = Conv2d(inPlanes, planes, 3, stride, 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, 1, 1, bias: false);
        bn2 = BatchNorm2d(planes);
        if (stride != 1 || inPlanes != planes)
            downsample = Sequential(("0", Conv2d(inPlanes, planes, 1, stride, bias: false)), ("1", BatchNorm2d(planes)));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = functional.relu(bn1.forward(SmallMapConv.Forward(conv1, x, stride)));
        y = bn2.forward(SmallMapConv.Forward(conv2, y, 1));
        var shortcut = downsample?.forward(x) ?? x;
        return functional.relu(y.add_(shortcut)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// torchvision's Bottleneck (ResNet50 and deeper, "v1.5": the stride sits on the 3x3 conv): 1x1 reduction to
/// <c>planes</c>, 3x3, 1x1 expansion to 4 x <c>planes</c>, each with batch norm, and an identity or projected shortcut.
/// </summary>
public sealed class Bottleneck : Module<Tensor, Tensor>
{
    /// <summary>Output channels per planes of a bottleneck block.</summary>
    public const int Expansion = 4;

    readonly Conv2d conv1, conv2, conv3;
    readonly BatchNorm2d bn1, bn2, bn3;
    readonly Sequential? downsample;
    readonly long stride;

    /// <summary>A 1x1-3x3-1x1 residual block with 4x <paramref name="planes"/> output channels.</summary>
    public Bottleneck(long inPlanes, long planes, long stride) : base("Bottleneck")
    {
        this.stride = stride;
        conv1 = Conv2d(inPlanes, planes, 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, stride, 1, bias: false);
        bn2 = BatchNorm2d(planes);
        conv3 = Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = BatchNorm2d(planes * Expansion);
        if (stride != 1 || inPlanes != planes * Expansion)
            downsample = Sequential(("0", Conv2d(inPlanes, planes * Expansion, 1, stride, bias: false)), ("1", BatchNorm2d(planes * Expansion)));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = functional.relu(bn1.forward(conv1.forward(x)));
        y = functional.relu(bn2.forward(SmallMapConv.Forward(conv2, y, stride)));
        y = bn3.forward(conv3.forward(y));
        var shortcut = downsample?.forward(x) ?? x;
        return functional.relu(y.add_(shortcut)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A 3x3 convolution with padding 1 whose output is a single pixel (the last stages of a ResNet fed 32x32 images: layer4 sees 1x1
/// or 2x2 maps) computed as a convolution with only the kernel taps that touch the input and no padding. The result and every
/// gradient are the same (the other taps only ever meet padding zeros, so their gradient is exactly zero), but LibTorch's CPU
/// backward for the weights (oneDNN's jit:avx512_core, 3x3 on 1x1, batch 256, 512 channels) does the work of all nine taps: 44 ms
/// against 6.5 ms for the cropped kernel (<c>adversa-bench uda-profile</c>, docs/benchmarks.md).
/// </summary>
public static class SmallMapConv
{
    /// <summary>Off: every convolution runs in full (for the benchmark that measures the difference; results are the same).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>conv(x) for a 3x3, padding-1 <paramref name="conv"/> of stride <paramref name="stride"/>; cropped when the output is 1x1.</summary>
    public static Tensor Forward(Conv2d conv, Tensor x, long stride)
    {
        long h = x.shape[2], w = x.shape[3];
        if (!Enabled || conv.weight!.shape[2] != 3 || conv.weight.shape[3] != 3 || h > 2 || w > 2 || (h + 2 - 3) / stride + 1 != 1 || (w + 2 - 3) / stride + 1 != 1) return conv.forward(x);
        using var scope = NewDisposeScope();
        var taps = conv.weight![TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(1, 1 + h), TensorIndex.Slice(1, 1 + w)];
        return functional.conv2d(x, taps).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A ResNet of BasicBlocks or Bottlenecks with torchvision's module names (conv1, bn1, layer1.0.conv1, layer2.0.downsample.0, ...),
/// so torchvision state_dicts load by name. <see cref="Features"/> returns the layer4 feature map,
/// <see cref="forward"/> the globally average-pooled vector (no fc layer: the backbones here are feature extractors).
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly MaxPool2d maxpool;
    readonly Sequential layer1, layer2, layer3, layer4;

    /// <summary>Blocks per stage (layer1 to layer4).</summary>
    public int[] Blocks { get; }
    /// <summary>True for bottleneck blocks (ResNet50 and up).</summary>
    public bool Bottlenecks { get; }

    /// <summary>Channels of the layer4 map: 512, or 2048 with bottleneck blocks.</summary>
    public int FeatureChannels => Bottlenecks ? 512 * Bottleneck.Expansion : 512;

    /// <summary>A ResNet with torchvision's module names and the given blocks per stage.</summary>
    public ResNet(int[] blocks, bool bottlenecks = false) : base("ResNet")
    {
        if (blocks.Length != 4) throw new ArgumentException("a ResNet has four stages", nameof(blocks));
        Blocks = blocks;
        Bottlenecks = bottlenecks;
        conv1 = Conv2d(3, 64, 7, 2, 3, bias: false);
        bn1 = BatchNorm2d(64);
        maxpool = MaxPool2d(3, 2, 1);
        long inPlanes = 64;
        Sequential Stage(long planes, int count, long stride)
        {
            var layers = new List<(string, Module<Tensor, Tensor>)>();
            for (int i = 0; i < count; i++)
            {
                long s = i == 0 ? stride : 1;
                layers.Add((i.ToString(), bottlenecks ? new Bottleneck(inPlanes, planes, s) : new BasicBlock(inPlanes, planes, s)));
                inPlanes = bottlenecks ? planes * Bottleneck.Expansion : planes;
            }
            return Sequential(layers);
        }
        layer1 = Stage(64, blocks[0], 1);
        layer2 = Stage(128, blocks[1], 2);
        layer3 = Stage(256, blocks[2], 2);
        layer4 = Stage(512, blocks[3], 2);
        RegisterComponents();
    }

    /// <summary>The CNTK-exported ImageNet ResNet18 shipped in ML.NET's featurizer package: blocks (2,2,2,3).</summary>
    public static ResNet OnnxResNet18() => new([2, 2, 2, 3]);
    /// <summary>torchvision's resnet18 layout (BasicBlocks 2,2,2,2).</summary>
    public static ResNet TorchvisionResNet18() => new([2, 2, 2, 2]);
    /// <summary>torchvision's resnet34 layout (BasicBlocks 3,4,6,3).</summary>
    public static ResNet TorchvisionResNet34() => new([3, 4, 6, 3]);
    /// <summary>torchvision's resnet50 layout (Bottlenecks 3,4,6,3).</summary>
    public static ResNet TorchvisionResNet50() => new([3, 4, 6, 3], bottlenecks: true);

    /// <summary>The torchvision architectures a user's state_dict can be loaded into.</summary>
    public static readonly string[] TorchvisionArchitectures = ["resnet18", "resnet34", "resnet50"];

    /// <summary>A torchvision architecture by name, without weights; a one-line error for any other name.</summary>
    public static ResNet Torchvision(string arch) => arch.ToLowerInvariant() switch
    {
        "resnet18" => TorchvisionResNet18(),
        "resnet34" => TorchvisionResNet34(),
        "resnet50" => TorchvisionResNet50(),
        _ => throw new Common.AdversaException($"--arch must be one of {string.Join(", ", TorchvisionArchitectures)}, not '{arch}'"),
    };

    /// <summary>[B,3,H,W] to the layer4 map [B,FeatureChannels,H/32,W/32].</summary>
    public Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Top(Bottom(x, 4), 4).MoveToOuterDisposeScope();
    }

    Sequential[] Stages => [layer1, layer2, layer3, layer4];

    /// <summary>The stem and every stage below the top <paramref name="topStages"/> (0-4): the part that stays frozen.</summary>
    public Tensor Bottom(Tensor x, int topStages)
    {
        using var scope = NewDisposeScope();
        var y = maxpool.forward(functional.relu(bn1.forward(conv1.forward(x))));
        foreach (var stage in Stages.Take(4 - topStages)) y = stage.forward(y);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>The top <paramref name="topStages"/> stages, from <see cref="Bottom"/>'s output to the layer4 map.</summary>
    public Tensor Top(Tensor bottom, int topStages)
    {
        using var scope = NewDisposeScope();
        var y = bottom;
        foreach (var stage in Stages.Skip(4 - topStages)) y = stage.forward(y);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Parameters of the top <paramref name="topStages"/> stages.</summary>
    public IEnumerable<Parameter> TopParameters(int topStages) => Stages.Skip(4 - topStages).SelectMany(s => s.parameters());

    /// <summary>Globally average-pooled features [B,FeatureChannels].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Features(x).mean([2, 3]).MoveToOuterDisposeScope();
    }
}
