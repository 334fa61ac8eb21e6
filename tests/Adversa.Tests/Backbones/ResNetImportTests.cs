using Adversa.Backbones;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Adversa.Tests.Backbones;

public class ResNetImportTests
{
    /// <summary>The TorchSharp port of the ONNX ResNet18 agrees with ONNX Runtime on the pooled features.</summary>
    [Fact]
    public void TorchSharpFeaturesMatchOnnxRuntime()
    {
        var net = PretrainedResNet.Load();
        manual_seed(3);
        using var input = randn(1, 3, 224, 224) * 60;

        using var session = new InferenceSession(PretrainedResNet.OnnxPath);
        var inputName = session.InputNames[0];
        var outputName = session.OutputNames[0];
        var data = input.data<float>().ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(data, [1, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [value], [outputName]);
        var expected = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        using var noGrad = no_grad();
        using var actual = net.forward(input);
        var got = actual.data<float>().ToArray();
        Assert.Equal(512, got.Length);
        Assert.Equal(expected.Length, got.Length);
        double maxDiff = expected.Zip(got, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff < 1e-4, $"max |ORT - TorchSharp| = {maxDiff}");
        Assert.True(expected.Max(Math.Abs) > 1, "features should not be trivially small");
    }

    /// <summary>
    /// The package's preprocessing graph (input RGB 0-255; it flips to BGR and subtracts the mean image) against Adversa's transform of the same RGB bytes with
    /// <c>--mean-image</c>: equal at 224x224. Its mean image's channel means are the constants the default subtracts.
    /// </summary>
    [Fact]
    public void MeanImageTransformMatchesThePackagesPreprocessingGraph()
    {
        using var mean = PretrainedResNet.MeanImage();
        var channels = mean.mean([0, 2, 3]).data<float>().ToArray();
        for (int c = 0; c < 3; c++) Assert.Equal(Adversa.Data.ImageTransform.CaffeBgrMean[c], channels[c], 0.01);

        manual_seed(4);
        using var rgb = randint(0, 256, [1, 3, 224, 224]).to_type(ScalarType.Byte);
        using var session = new InferenceSession(PretrainedResNet.PreprocessPath);
        var data = rgb.to_type(ScalarType.Float32).data<float>().ToArray(); // the graph takes RGB and flips it to BGR itself
        using var value = OrtValue.CreateTensorValueFromMemory(data, [1, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [session.InputNames[0]], [value], [session.OutputNames[0]]);
        var expected = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        var withImage = PretrainedResNet.Transform(224, meanImage: true).Apply(rgb).data<float>().ToArray();
        Assert.Equal(expected.Length, withImage.Length);
        Assert.True(expected.Zip(withImage, (a, b) => Math.Abs(a - b)).Max() < 1e-3, "mean-image transform differs from ResNetPreprocess.onnx");
        // The default (channel means) differs from the graph by the mean image's spatial variation: a few levels on average.
        var withChannels = PretrainedResNet.Transform(224).Apply(rgb).data<float>().ToArray();
        double meanDiff = expected.Zip(withChannels, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(meanDiff, 1, 10);
    }

    [Fact]
    public void ArchitectureAndNamesFollowTorchvision()
    {
        var net = ResNet.OnnxResNet18();
        var keys = net.state_dict().Keys.ToHashSet();
        Assert.Contains("layer4.2.conv2.weight", keys);
        Assert.Contains("layer2.0.downsample.1.running_var", keys);
        Assert.DoesNotContain("fc.weight", keys);
        using var x = zeros(2, 3, 64, 64);
        using var f = net.Features(x);
        Assert.Equal(new long[] { 2, 512, 2, 2 }, f.shape);
    }
}
