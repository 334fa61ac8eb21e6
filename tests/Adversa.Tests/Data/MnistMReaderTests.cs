using System.IO.Compression;
using Adversa.Common;
using Adversa.Data.Readers;
using Adversa.Tests.Fixtures;

using static Adversa.Tests.Fixtures.TensorAssert;

namespace Adversa.Tests.Data;

public class MnistMReaderTests
{
    static void WriteFixture(TempDir dir, bool zip, int n = 4)
    {
        var folder = dir["mnist_m_train"];
        Directory.CreateDirectory(folder);
        var lines = new List<string>();
        for (int i = 0; i < n; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"{i:D8}.png"), Images.Png(Images.Pattern(32, 32, i * 10), 32, 32));
            lines.Add($"{i:D8}.png {(i * 3) % 10}");
        }
        File.WriteAllLines(dir["mnist_m_train_labels.txt"], lines);
        if (zip)
        {
            ZipFile.CreateFromDirectory(folder, dir["mnist_m_train.zip"], CompressionLevel.NoCompression, includeBaseDirectory: true);
            Directory.Delete(folder, true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsFolderOrZip(bool zip)
    {
        using var dir = new TempDir();
        WriteFixture(dir, zip);
        using var set = MnistMReader.Read(dir.Path, "train");
        Assert.Equal(4, set.Count);
        Assert.Equal(new long[] { 0, 3, 6, 9 }, set.Labels!.data<long>().ToArray());
        // Pixel (x=2, y=1, c=1) of image 2 is (20 + 6 + 5 + 7) mod 256 = 38; CHW order.
        Assert.Equal(38, set.Images[2, 1, 1, 2].item<byte>());
    }

    [Fact]
    public void MissingImageNamesLabelFileAndLine()
    {
        using var dir = new TempDir();
        WriteFixture(dir, zip: false);
        File.AppendAllLines(dir["mnist_m_train_labels.txt"], ["00000099.png 1"]);
        var e = Assert.Throws<DataFormatException>(() => MnistMReader.Read(dir.Path, "train"));
        Assert.Contains("mnist_m_train_labels.txt:5:", e.Message);
        Assert.Contains("'00000099.png' is not in", e.Message);
    }

    [Fact]
    public void CorruptPngIsNamed()
    {
        using var dir = new TempDir();
        WriteFixture(dir, zip: false);
        var bad = Path.Combine(dir["mnist_m_train"], "00000001.png");
        File.WriteAllBytes(bad, File.ReadAllBytes(bad)[..40]);
        var e = Assert.Throws<DataFormatException>(() => MnistMReader.Read(dir.Path, "train"));
        Assert.Contains("00000001.png", e.Message);
        Assert.Contains("not a decodable PNG/JPEG image", e.Message);
    }
}
