using Adversa.Common;
using Adversa.Data.Readers;
using Adversa.Tests.Fixtures;

using static Adversa.Tests.Fixtures.TensorAssert;

namespace Adversa.Tests.Data;

public class MatV5ReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsSvhnLayoutInColumnMajorOrder(bool compressed)
    {
        using var dir = new TempDir();
        int n = 3;
        // X(r, c, ch, k) = r + 2c + 50ch + 7k, stored column-major.
        var x = new byte[32 * 32 * 3 * n];
        for (int k = 0; k < n; k++) for (int ch = 0; ch < 3; ch++) for (int c = 0; c < 32; c++) for (int r = 0; r < 32; r++)
            x[r + 32 * c + 1024 * ch + 3072 * k] = (byte)(r + 2 * c + 50 * ch + 7 * k);
        MatV5Writer.Write(dir["train_32x32.mat"], compressed, ("X", [32, 32, 3, n], x), ("y", [n, 1], new double[] { 10, 1, 9 }));
        using var set = SvhnMatReader.Read(dir["train_32x32.mat"]);
        Assert.Equal(new long[] { 0, 1, 9 }, set.Labels!.data<long>().ToArray());
        // Image 2, channel 1, row 5, column 4 -> 5 + 8 + 50 + 14 = 77.
        Assert.Equal(77, set.Images[2, 1, 5, 4].item<byte>());
        Assert.Equal(new long[] { 3, 3, 32, 32 }, set.Images.shape);
    }

    [Fact]
    public void TruncatedMatFileIsReported()
    {
        using var dir = new TempDir();
        MatV5Writer.Write(dir["t.mat"], false, ("X", [32, 32, 3, 2], new byte[32 * 32 * 3 * 2]), ("y", [2, 1], new double[] { 1, 2 }));
        var bytes = File.ReadAllBytes(dir["t.mat"]);
        File.WriteAllBytes(dir["t.mat"], bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<DataFormatException>(() => MatV5Reader.Read(dir["t.mat"]));
        Assert.Contains("t.mat", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void NotAMatFileIsReported()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["x.mat"], new byte[200]);
        var e = Assert.Throws<DataFormatException>(() => MatV5Reader.Read(dir["x.mat"]));
        Assert.Contains("not a MATLAB 5.0 MAT-file", e.Message);
    }
}
