using Adversa.Common;
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

public class TorchvisionLoaderTests
{
    /// <summary>
    /// Known answers: torchvision's parameter counts (resnet18 11,689,512, resnet34 21,797,672, resnet50 25,557,032,
    /// each with its 512- or 2048-to-1000 fc layer, which the feature extractors here drop), and every key and shape of
    /// TorchSharp's own port of torchvision's ResNets (TorchVision package) but fc.
    /// </summary>
    [Theory]
    [InlineData("resnet18", 11_689_512L, 512)]
    [InlineData("resnet34", 21_797_672L, 512)]
    [InlineData("resnet50", 25_557_032L, 2048)]
    public void LayoutMatchesTorchvisionKeyForKeyAndParameterCount(string arch, long torchvisionParameters, int channels)
    {
        var net = ResNet.Torchvision(arch);
        long fc = channels * 1000L + 1000;
        Assert.Equal(torchvisionParameters - fc, net.parameters().Sum(p => p.numel()));
        Assert.Equal(channels, net.FeatureChannels);

        using var reference = arch switch
        {
            "resnet18" => TorchSharp.torchvision.models.resnet18(),
            "resnet34" => TorchSharp.torchvision.models.resnet34(),
            _ => TorchSharp.torchvision.models.resnet50(),
        };
        var expected = reference.state_dict().Where(kv => !kv.Key.StartsWith("fc.")).ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var actual = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, shape) in expected) Assert.True(shape.SequenceEqual(actual[key]), $"{key}: [{string.Join(',', actual[key])}] vs torchvision [{string.Join(',', shape)}]");

        using var x = zeros(2, 3, 64, 64);
        using var noGrad = no_grad();
        net.eval();
        using var map = net.Features(x);
        Assert.Equal(new long[] { 2, channels, 2, 2 }, map.shape);
    }

    /// <summary>A resnet50 state_dict written by TorchSharp's own torchvision port, in PyTorch's format, loads and gives its outputs.</summary>
    [Fact]
    public void LoadsAResNet50StateDictWrittenByTheTorchvisionPort()
    {
        using var dir = new Adversa.Tests.Fixtures.TempDir();
        manual_seed(5);
        using var reference = TorchSharp.torchvision.models.resnet50();
        TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(reference, dir["r50.pth"]);
        var loaded = TorchvisionResNetLoader.Load(dir["r50.pth"], "resnet50");
        reference.eval();
        using var x = randn(2, 3, 64, 64);
        using var noGrad = no_grad();
        // The port's forward ends in fc; compare the pooled features through its layers instead.
        var r = reference.named_children().ToDictionary(c => c.name, c => (TorchSharp.torch.nn.Module<Tensor, Tensor>)c.module);
        var y = x;
        foreach (var name in new[] { "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4" }) y = r[name].forward(y);
        using var expected = y.mean([2, 3]);
        using var actual = loaded.forward(x);
        Assert.Equal(new long[] { 2, 2048 }, actual.shape);
        Assert.True(expected.allclose(actual, rtol: 1e-4, atol: 1e-5), "resnet50 features differ from the torchvision port's");
    }

    [Fact]
    public void AShapeMismatchNamesTheKey()
    {
        using var dir = new Adversa.Tests.Fixtures.TempDir();
        var state = ResNet.TorchvisionResNet50().state_dict();
        state["layer1.0.conv1.weight"] = zeros(32, 64, 1, 1);
        TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(dir["bad.pth"], state);
        var e = Assert.Throws<Adversa.Common.DataFormatException>(() => TorchvisionResNetLoader.Load(dir["bad.pth"], "resnet50"));
        Assert.Contains("bad.pth: layer1.0.conv1.weight has shape [32,64,1,1], resnet50 needs [64,64,1,1]", e.Message);
    }

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
