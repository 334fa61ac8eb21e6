namespace Adversa.Tests.Fixtures;

public static class TensorAssert
{
    /// <summary>Same shape and all elements equal.</summary>
    public static bool Same(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>Two modules hold exactly the same parameters and buffers.</summary>
    public static void SameState(TorchSharp.torch.nn.Module x, TorchSharp.torch.nn.Module y)
    {
        var sx = x.state_dict();
        var sy = y.state_dict();
        Xunit.Assert.Equal(sx.Keys, sy.Keys);
        foreach (var k in sx.Keys)
            Xunit.Assert.True(Same(sx[k], sy[k]), $"{k} differs after resume");
    }
}
