using System.IO.Compression;
using Adversa.Common;
using Adversa.Data.Readers;
using Adversa.Tests.Fixtures;

using static Adversa.Tests.Fixtures.TensorAssert;

namespace Adversa.Tests.Data;

public class IdxReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImagesAndLabels(bool gzip)
    {
        using var dir = new TempDir();
        var pixels = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)i).ToArray();
        IdxReader.WriteImages(dir["img"], pixels, 3, 4, 5);
        IdxReader.WriteLabels(dir["lab"], [7, 0, 9]);
        if (gzip) { Gzip(dir["img"]); Gzip(dir["lab"]); }
        using var images = IdxReader.ReadImages(dir["img"]);
        using var labels = IdxReader.ReadLabels(dir["lab"]);
        Assert.Equal(new long[] { 3, 1, 4, 5 }, images.shape);
        Assert.Equal(pixels, images.bytes.ToArray());
        Assert.Equal(new long[] { 7, 0, 9 }, labels.data<long>().ToArray());
    }

    static void Gzip(string path)
    {
        var raw = File.ReadAllBytes(path);
        using var f = File.Create(path);
        using var gz = new GZipStream(f, CompressionLevel.Fastest);
        gz.Write(raw);
    }

    [Fact]
    public void BadMagicNamesFileAndMagic()
    {
        using var dir = new TempDir();
        IdxReader.WriteLabels(dir["lab"], [1, 2]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(dir["lab"]));
        Assert.Contains(dir["lab"], e.Message);
        Assert.Contains("bad magic number 0x00000801", e.Message);
    }

    [Fact]
    public void TruncatedImagesFileIsReported()
    {
        using var dir = new TempDir();
        IdxReader.WriteImages(dir["img"], new byte[2 * 28 * 28], 2, 28, 28);
        var bytes = File.ReadAllBytes(dir["img"]);
        File.WriteAllBytes(dir["img"], bytes[..^100]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(dir["img"]));
        Assert.Contains("header says 2 images of 28x28", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeIsReported()
    {
        using var dir = new TempDir();
        IdxReader.WriteLabels(dir["lab"], [1, 12]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(dir["lab"]));
        Assert.Contains("label 12 of item 1 is outside 0-9", e.Message);
    }
}
