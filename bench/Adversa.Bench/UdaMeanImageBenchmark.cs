using Adversa.Common;
using Adversa.Gan;
using Adversa.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Bench;

/// <summary>
/// The ONNX ResNet18's own preprocessing subtracts a 224x224 mean image; Adversa subtracts its per-channel means
/// (the digits are resized to 32 or 64, not 224). How much that choice moves the pooled features, on MNIST-M
/// images (or synthetic ones without the data): the mean image is read from the package's ResNetPreprocess.onnx.
/// </summary>
static class UdaMeanImageBenchmark
{
    public static void Run(int count, string root)
    {
        var meanImage = Adversa.Backbones.PretrainedResNet.MeanImage(); // BGR, 0-255, as the graph subtracts it
        var channelMeans = meanImage.mean([0, 2, 3]);
        Console.WriteLine($"mean image: channel means B {channelMeans[0].item<float>():F2} G {channelMeans[1].item<float>():F2} R {channelMeans[2].item<float>():F2}; " +
                          $"per-pixel deviation from them: mean |d| {(meanImage - channelMeans.view(1, 3, 1, 1)).abs().mean().item<float>():F2}, max |d| {(meanImage - channelMeans.view(1, 3, 1, 1)).abs().max().item<float>():F2} (0-255 scale)");
        bool real = Directory.Exists(Path.Combine(root, "mnist_m"));
        using var data = real ? Adversa.Adaptation.DomainData.Load("mnistm", root, count, 0.1, 1) : null;
        using var synth = real ? null : Adversa.Data.Synthetic.SynthDigits.Generate(Adversa.Data.Synthetic.DigitStyle.MnistM, count, 1);
        var images = real ? data!.Train.Rows(0, Math.Min(count, data.Train.Count)) : synth!.Images;
        var net = Adversa.Backbones.PretrainedResNet.Load();
        using var noGrad = no_grad();
        foreach (int size in new[] { 224, 64, 32 })
        {
            var bgr = F.interpolate(images.to_type(ScalarType.Float32), [size, size], mode: InterpolationMode.Bilinear, align_corners: false, antialias: size < images.shape[2]).flip(1);
            var mean = Adversa.Backbones.PretrainedResNet.MeanImage(size);
            var byChannel = net.Features(bgr - channelMeans.view(1, 3, 1, 1)).mean([2, 3]);
            var byImage = net.Features(bgr - mean).mean([2, 3]);
            var cosine = F.cosine_similarity(byChannel, byImage, 1);
            var relative = (byChannel - byImage).norm(1) / byImage.norm(1);
            Console.WriteLine($"{count} {(real ? "MNIST-M" : "synthetic MNIST-M-like")} images at {size}x{size}: pooled features with channel means vs the mean image: " +
                              $"cosine mean {cosine.mean().item<float>():F4} (min {cosine.min().item<float>():F4}), relative L2 difference mean {relative.mean().item<float>():F4} (max {relative.max().item<float>():F4})");
        }
    }
}
