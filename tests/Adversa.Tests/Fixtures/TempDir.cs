namespace Adversa.Tests.Fixtures;

/// <summary>A fresh folder per test, deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "adversa-tests", Guid.NewGuid().ToString("N"));

    public TempDir() => Directory.CreateDirectory(Path);

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

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
