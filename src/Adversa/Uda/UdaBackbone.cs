using Adversa.Backbones;
using Adversa.Data;

namespace Adversa.Uda;

/// <summary>
/// Which pretrained backbone a UDA model stands on, and the preprocessing that goes with its weights:
/// the default ONNX ResNet18 (ML.NET's ImageNet featurizer, blocks 2,2,2,3) takes BGR 0-255 minus channel means;
/// a user's torchvision checkpoint takes RGB 0-1 normalised by ImageNet mean and std.
/// </summary>
public sealed record UdaBackbone(string? WeightsFile, string Arch)
{
    /// <summary>Name of the built-in backbone.</summary>
    public const string DefaultName = "resnet18-imagenet";

    /// <summary>The built-in ONNX ResNet18.</summary>
    public static UdaBackbone Default => new(null, "resnet18");

    /// <summary>True for the built-in ONNX ResNet18.</summary>
    public bool IsOnnx => WeightsFile is null;

    /// <summary>One line naming the backbone and its preprocessing.</summary>
    public string Describe() => IsOnnx ? $"{DefaultName} (ML.NET ONNX ResNet18, blocks 2,2,2,3, BGR 0-255 minus channel means)"
                                       : $"{Arch} from {WeightsFile} (torchvision layout, ImageNet mean/std)";

    /// <param name="meanImage">ONNX weights only: subtract the package's mean image (resized) instead of its channel means.</param>
    public ImageTransform Transform(int size, bool grayscale = false, bool meanImage = false) =>
        IsOnnx ? PretrainedResNet.Transform(size, grayscale, meanImage)
        : meanImage ? throw new ArgumentException("a mean image belongs to the ONNX weights only", nameof(meanImage))
        : new(size, 3, Normalization.ImageNet, grayscale);

    /// <summary>The architecture without weights (to restore a checkpoint).</summary>
    public ResNet CreateEmpty() => IsOnnx ? ResNet.OnnxResNet18() : ResNet.Torchvision(Arch);

    /// <summary>The architecture with its pretrained weights, in eval mode.</summary>
    public ResNet LoadPretrained() => IsOnnx ? PretrainedResNet.Load() : TorchvisionResNetLoader.Load(WeightsFile!, Arch);
}
