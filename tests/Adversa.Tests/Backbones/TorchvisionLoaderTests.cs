using Adversa.Backbones;
using static TorchSharp.torch;

namespace Adversa.Tests.Backbones;

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
