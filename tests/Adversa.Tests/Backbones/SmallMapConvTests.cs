using Adversa.Backbones;
using static TorchSharp.torch;

namespace Adversa.Tests.Backbones;

public class SmallMapConvTests
{
    /// <summary>The cropped-kernel convolution gives the full 3x3 convolution's output and gradients (input and weights) on
    /// every map that yields a single pixel, and leaves larger outputs to the full convolution.</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(2, 1)]
    [InlineData(4, 1)]
    [InlineData(3, 2)]
    public void MatchesTheFullConvolution(int size, int stride)
    {
        manual_seed(11);
        var conv = nn.Conv2d(6, 5, 3, stride, 1, bias: false);
        var x = randn(4, 6, size, size).requires_grad_(true);
        var upstream = randn(conv.forward(x.detach()).shape);

        var full = conv.forward(x);
        full.mul(upstream).sum().backward();
        var (fullInput, fullWeight) = (x.grad!.clone(), conv.weight!.grad!.clone());
        x.grad!.zero_();
        conv.weight.grad!.zero_();

        var cropped = SmallMapConv.Forward(conv, x, stride);
        cropped.mul(upstream).sum().backward();

        Assert.Equal(full.shape, cropped.shape);
        Assert.True(allclose(full, cropped, 1e-5, 1e-5), "outputs differ");
        Assert.True(allclose(fullInput, x.grad!, 1e-5, 1e-5), "input gradients differ");
        Assert.True(allclose(fullWeight, conv.weight.grad!, 1e-5, 1e-5), "weight gradients differ");
    }
}
