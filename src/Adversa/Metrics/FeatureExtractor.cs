using Adversa.Common;
using Adversa.Backbones;
using static TorchSharp.torch;

namespace Adversa.Metrics;

/// <summary>
/// 512-d ImageNet features of uint8 images from the pretrained ResNet18 (the offline stand-in for Inception),
/// computed in batches without gradients at a configurable input size.
/// </summary>
public sealed class FeatureExtractor(int inputSize = 112, int batchSize = 100)
{
    readonly ResNet _net = PretrainedResNet.Load();
    /// <summary>Side images are resized to before the ResNet.</summary>
    public int InputSize { get; } = inputSize;

    /// <summary>uint8 [N,C,H,W] to float64 [N,512].</summary>
    public Tensor Extract(Tensor images, IProgressSink? progress = null, string title = "features")
    {
        var transform = PretrainedResNet.Transform(InputSize);
        long n = images.shape[0];
        var result = zeros([n, 512], dtype: ScalarType.Float64);
        progress?.Start(title, n, "image");
        using var noGrad = no_grad();
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(batchSize, n - start);
            var x = transform.Apply(images.narrow(0, start, size));
            result.narrow(0, start, size).copy_(_net.forward(x).to_type(ScalarType.Float64));
            progress?.Update(start + size);
            MemoryHygiene.Run(HygieneMode.Gc);
        }
        progress?.Finish();
        return result;
    }
}
