using Adversa.Common;
using Adversa.Data;

namespace Adversa.Backbones;

/// <summary>
/// The offline ImageNet-pretrained backbone: ML.NET's ResNet18 ONNX file, copied next to the program at build time
/// from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (no model hub needed).
/// Its preprocessing: RGB to BGR, 0-255 scale, minus the per-channel means of the package's mean image
/// (B 103.06, G 115.90, R 123.15), no std division.
/// </summary>
public static class PretrainedResNet
{
    public const string FileName = "ResNet18.onnx";

    public static string OnnxPath
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("ADVERSA_RESNET18_ONNX");
            if (env is not null) return env;
            var local = Path.Combine(AppContext.BaseDirectory, "models", FileName);
            if (File.Exists(local)) return local;
            var nuget = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
                                     "microsoft.ml.dnnimagefeaturizer.resnet18", "0.23.1", "tools", "DnnImageModels", "ResNet18Onnx", FileName);
            if (File.Exists(nuget)) return nuget;
            throw new AdversaException($"{local}: pretrained ResNet18 weights not found (restore the project so the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 is downloaded, or set ADVERSA_RESNET18_ONNX)");
        }
    }

    /// <summary>Input transform matching the ONNX model's own preprocessing, at the given side length.</summary>
    public static ImageTransform Transform(int size) => new(size, 3, Normalization.CaffeBgr);

    /// <summary>A new ResNet18 (blocks 2,2,2,3) holding the ImageNet weights, in eval mode.</summary>
    public static ResNet Load()
    {
        var net = ResNet.OnnxResNet18();
        OnnxResNetImporter.Load(net, OnnxPath);
        net.eval();
        return net;
    }
}
