using Adversa.Backbones;
using Adversa.Common;
using Adversa.Data;

namespace Adversa.Uda;

/// <summary>
/// Which pretrained backbone a UDA model stands on, and the preprocessing that goes with its weights:
/// the default ONNX ResNet18 (ML.NET's ImageNet featurizer, blocks 2,2,2,3) takes BGR 0-255 minus channel means;
/// a user's torchvision checkpoint takes RGB 0-1 normalised by ImageNet mean and std.
/// </summary>
public sealed record UdaBackbone(string? WeightsFile, string Arch)
{
    public const string DefaultName = "resnet18-imagenet";

    public static UdaBackbone Default => new(null, "resnet18");

    public bool IsOnnx => WeightsFile is null;

    public string Describe() => IsOnnx ? $"{DefaultName} (ML.NET ONNX ResNet18, blocks 2,2,2,3, BGR 0-255 minus channel means)"
                                       : $"{Arch} from {WeightsFile} (torchvision layout, ImageNet mean/std)";

    public ImageTransform Transform(int size, bool grayscale = false) =>
        new(size, 3, IsOnnx ? Normalization.CaffeBgr : Normalization.ImageNet, grayscale);

    /// <summary>The architecture without weights (to restore a checkpoint).</summary>
    public ResNet CreateEmpty() => IsOnnx ? ResNet.OnnxResNet18() : ResNet.Torchvision(Arch);

    /// <summary>The architecture with its pretrained weights, in eval mode.</summary>
    public ResNet LoadPretrained() => IsOnnx ? PretrainedResNet.Load() : TorchvisionResNetLoader.Load(WeightsFile!, Arch);
}
