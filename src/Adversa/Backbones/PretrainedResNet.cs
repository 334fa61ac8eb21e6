using Adversa.Common;
using Adversa.Data;
using static TorchSharp.torch;

namespace Adversa.Backbones;

/// <summary>
/// The offline ImageNet-pretrained backbone: ML.NET's ResNet18 ONNX file, copied next to the program at build time
/// from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (no model hub needed).
/// Its preprocessing: RGB to BGR, 0-255 scale, minus the per-channel means of the package's mean image
/// (B 103.06, G 115.90, R 123.15), no std division.
/// </summary>
public static class PretrainedResNet
{
    /// <summary>File names of the ImageNet ResNet18 and of its preprocessing graph in ML.NET's featurizer package.</summary>
    public const string FileName = "ResNet18.onnx", PreprocessFileName = "ResNetPreprocess.onnx";

    /// <summary>Where the ResNet18 ONNX file is: $ADVERSA_RESNET18_ONNX, beside the program, or in the NuGet cache.</summary>
    public static string OnnxPath => Find(FileName, "ResNet18Onnx", Environment.GetEnvironmentVariable("ADVERSA_RESNET18_ONNX"));

    /// <summary>The package's preprocessing graph (channel flip, mean-image subtraction), where the mean image is read from.</summary>
    public static string PreprocessPath => Find(PreprocessFileName, "ResNetPrepOnnx", null);

    /// <summary>A file of the package: next to the program (copied at build time), else in the NuGet cache.</summary>
    static string Find(string fileName, string packageFolder, string? overridePath)
    {
        if (overridePath is not null) return overridePath;
        var local = Path.Combine(AppContext.BaseDirectory, "models", fileName);
        if (File.Exists(local)) return local;
        var nuget = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
                                 "microsoft.ml.dnnimagefeaturizer.resnet18", "0.23.1", "tools", "DnnImageModels", packageFolder, fileName);
        if (File.Exists(nuget)) return nuget;
        throw new AdversaException($"{local}: pretrained ResNet18 file not found (restore the project so the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 is downloaded{(fileName == FileName ? ", or set ADVERSA_RESNET18_ONNX" : "")})");
    }

    /// <summary>
    /// The 224x224 mean image [1,3,224,224] (BGR, 0-255) that the package's preprocessing graph subtracts, read from
    /// its only initializer of that size; its channel means are <see cref="ImageTransform.CaffeBgrMean"/>.
    /// </summary>
    public static Tensor MeanImage()
    {
        var path = PreprocessPath;
        var init = OnnxResNetImporter.ReadModel(path).Graph.Initializer.FirstOrDefault(t => t.Dims.Aggregate(1L, (a, d) => a * d) == 3 * 224 * 224)
                   ?? throw new DataFormatException(path, "no 3x224x224 mean image among its initializers");
        var values = OnnxResNetImporter.Floats(init);
        return tensor(values, [1, 3, 224, 224]);
    }

    /// <summary>The mean image resized (bilinear, antialiased) to the model's input side, as the digits are.</summary>
    public static Tensor MeanImage(int size)
    {
        using var scope = NewDisposeScope();
        var image = MeanImage();
        return (size == 224 ? image : nn.functional.interpolate(image, [size, size], mode: InterpolationMode.Bilinear, align_corners: false, antialias: size < 224))
            .MoveToOuterDisposeScope();
    }

    /// <summary>Input transform matching the ONNX model's own preprocessing at the given side: minus the channel means, or the resized mean image.</summary>
    public static ImageTransform Transform(int size, bool grayscale = false, bool meanImage = false) =>
        new(size, 3, Normalization.CaffeBgr, grayscale) { MeanImage = meanImage ? MeanImage(size) : null };

    /// <summary>A new ResNet18 (blocks 2,2,2,3) holding the ImageNet weights, in eval mode.</summary>
    public static ResNet Load()
    {
        var net = ResNet.OnnxResNet18();
        OnnxResNetImporter.Load(net, OnnxPath);
        net.eval();
        return net;
    }
}
