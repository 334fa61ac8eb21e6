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

    public BasicBlock(long inPlanes, long planes, long stride) : base("BasicBlock")
    {
        conv1 = Conv2d(inPlanes, planes, 3, stride, 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, 1, 1, bias: false);
        bn2 = BatchNorm2d(planes);
        if (stride != 1 || inPlanes != planes)
            downsample = Sequential(("0", Conv2d(inPlanes, planes, 1, stride, bias: false)), ("1", BatchNorm2d(planes)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = functional.relu(bn1.forward(conv1.forward(x)));
        y = bn2.forward(conv2.forward(y));
        var shortcut = downsample?.forward(x) ?? x;
        return functional.relu(y.add_(shortcut)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A ResNet of BasicBlocks with torchvision's module names (conv1, bn1, layer1.0.conv1, layer2.0.downsample.0, ...),
/// so torchvision state_dicts load by name. <see cref="Features"/> returns the layer4 feature map,
/// <see cref="forward"/> the globally average-pooled vector (no fc layer: the backbones here are feature extractors).
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly MaxPool2d maxpool;
    readonly Sequential layer1, layer2, layer3, layer4;

    public int[] Blocks { get; }
    public int FeatureChannels => 512;

    public ResNet(int[] blocks) : base("ResNet")
    {
        if (blocks.Length != 4) throw new ArgumentException("a ResNet has four stages", nameof(blocks));
        Blocks = blocks;
        conv1 = Conv2d(3, 64, 7, 2, 3, bias: false);
        bn1 = BatchNorm2d(64);
        maxpool = MaxPool2d(3, 2, 1);
        long inPlanes = 64;
        Sequential Stage(long planes, int count, long stride)
        {
            var layers = new List<(string, Module<Tensor, Tensor>)>();
            for (int i = 0; i < count; i++)
            {
                layers.Add((i.ToString(), new BasicBlock(inPlanes, planes, i == 0 ? stride : 1)));
                inPlanes = planes;
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
    public static ResNet TorchvisionResNet18() => new([2, 2, 2, 2]);
    public static ResNet TorchvisionResNet34() => new([3, 4, 6, 3]);

    /// <summary>[B,3,H,W] to the layer4 map [B,512,H/32,W/32].</summary>
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

    /// <summary>Globally average-pooled features [B,512].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Features(x).mean([2, 3]).MoveToOuterDisposeScope();
    }
}
