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

public class TorchvisionLoaderTests
{
    [Fact]
    public void RoundTripsAPyTorchStateDictByName()
    {
        using var dir = new Adversa.Tests.Fixtures.TempDir();
        var original = ResNet.TorchvisionResNet18();
        TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(original, dir["r18.pth"]);
        var loaded = TorchvisionResNetLoader.Load(dir["r18.pth"], "resnet18");
        using var x = randn(1, 3, 64, 64);
        original.eval();
        using (no_grad())
            Assert.True(Adversa.Tests.Fixtures.TensorAssert.Same(original.forward(x), loaded.forward(x)));
    }

    [Fact]
    public void WrongArchitectureIsOneClearError()
    {
        using var dir = new Adversa.Tests.Fixtures.TempDir();
        TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(ResNet.TorchvisionResNet18(), dir["r18.pth"]);
        var e = Assert.Throws<Adversa.Common.DataFormatException>(() => TorchvisionResNetLoader.Load(dir["r18.pth"], "resnet34"));
        Assert.Contains("r18.pth: does not match torchvision resnet34", e.Message);
        Assert.Contains("missing key(s)", e.Message);
    }
}
