using System.IO.Compression;
using Adversa.Common;
using Adversa.Data;
using Adversa.Data.Readers;
using Adversa.Tests.Fixtures;
using PureHDF;

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

public class CsvFolderReaderTests
{
    static string WriteDigits(TempDir dir, params string[] rows)
    {
        Directory.CreateDirectory(dir["train"]);
        for (int i = 0; i < 3; i++) File.WriteAllBytes(dir[$"train/{i}.png"], Images.Png(Images.Pattern(32, 32, i), 32, 32));
        File.WriteAllLines(dir["train.csv"], ["image_name,label", .. rows]);
        return dir["train.csv"];
    }

    [Fact]
    public void ReadsDigits()
    {
        using var dir = new TempDir();
        var csv = WriteDigits(dir, "0.png,4", "1.png,0", "2.png,9");
        using var set = CsvFolderReader.ReadDigits("svhn", dir["train"], csv, 32, 3);
        Assert.Equal(new long[] { 4, 0, 9 }, set.Labels!.data<long>().ToArray());
    }

    [Fact]
    public void UnknownFileNamesCsvLine()
    {
        using var dir = new TempDir();
        var csv = WriteDigits(dir, "0.png,4", "missing.png,0");
        var e = Assert.Throws<DataFormatException>(() => CsvFolderReader.ReadDigits("svhn", dir["train"], csv, 32, 3));
        Assert.Contains("train.csv:3:", e.Message);
        Assert.Contains("'missing.png' not found", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeNamesCsvLine()
    {
        using var dir = new TempDir();
        var csv = WriteDigits(dir, "0.png,4", "1.png,11");
        var e = Assert.Throws<DataFormatException>(() => CsvFolderReader.ReadDigits("svhn", dir["train"], csv, 32, 3));
        Assert.Contains("train.csv:3: label 11 is outside 0-9", e.Message);
    }

    [Fact]
    public void ReadsFaceAttributes()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["train"]);
        File.WriteAllBytes(dir["train/a.png"], Images.Png(Images.Pattern(64, 64, 1), 64, 64));
        File.WriteAllBytes(dir["train/b.png"], Images.Png(Images.Pattern(64, 64, 2), 64, 64));
        File.WriteAllLines(dir["train.csv"], ["image_name,Smiling,Male", "a.png,1,-1", "b.png,0,1"]);
        using var set = CsvFolderReader.ReadAttributes("celeba", dir["train"], dir["train.csv"], null, null, 64);
        Assert.Equal(new[] { "Smiling", "Male" }, set.AttributeNames);
        Assert.Equal(new float[] { 1, 0, 0, 1 }, set.Attributes!.data<float>().ToArray());
    }
}

public class UspsReaderTests
{
    [Fact]
    public void ReadsTrainGroup()
    {
        using var dir = new TempDir();
        var data = new float[2 * 256];
        data[0] = 1f; data[256 + 17] = 0.5f;
        var file = new H5File
        {
            ["train"] = new H5Group
            {
                ["data"] = new H5Dataset(data, fileDims: [2, 256]),
                ["target"] = new int[] { 3, 8 },
            },
        };
        file.Write(dir["usps.h5"]);
        using var set = UspsReader.Read(dir["usps.h5"], "train");
        Assert.Equal(new long[] { 2, 1, 16, 16 }, set.Images.shape);
        Assert.Equal(255, set.Images[0, 0, 0, 0].item<byte>());
        Assert.Equal(128, set.Images[1, 0, 1, 1].item<byte>());
        Assert.Equal(new long[] { 3, 8 }, set.Labels!.data<long>().ToArray());
        var e = Assert.Throws<DataFormatException>(() => UspsReader.Read(dir["usps.h5"], "test"));
        Assert.Contains("no group '/test'", e.Message);
    }

    [Fact]
    public void NonHdf5FileIsReported()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["usps.h5"], "not hdf5");
        var e = Assert.Throws<DataFormatException>(() => UspsReader.Read(dir["usps.h5"], "train"));
        Assert.Contains("usps.h5", e.Message);
    }
}

public class CelebAReaderTests
{
    static void WriteFixture(TempDir dir)
    {
        Directory.CreateDirectory(dir["img_align_celeba"]);
        for (int i = 1; i <= 3; i++)
            File.WriteAllBytes(dir[$"img_align_celeba/00000{i}.jpg"], Images.Jpeg(Images.Pattern(178, 218, i), 178, 218));
        File.WriteAllText(dir["list_attr_celeba.txt"],
            "3\r\nSmiling Male \r\n000001.jpg  1 -1\r\n000002.jpg -1  1\r\n000003.jpg  1  1\r\n");
        File.WriteAllText(dir["list_eval_partition.txt"], "000001.jpg 0\r\n000002.jpg 0\r\n000003.jpg 1\r\n");
    }

    [Fact]
    public void ReadsOfficialLayoutWithPartitions()
    {
        using var dir = new TempDir();
        WriteFixture(dir);
        using var train = CelebAReader.Read(dir.Path, "train");
        using var valid = CelebAReader.Read(dir.Path, "valid");
        Assert.Equal(new long[] { 2, 3, 64, 64 }, train.Images.shape);
        Assert.Equal(new float[] { 1, 0, 0, 1 }, train.Attributes!.data<float>().ToArray());
        Assert.Equal(1, valid.Count);
        Assert.Equal(0, train.AttributeIndex("smiling"));
    }

    [Fact]
    public void BadAttributeValueNamesLine()
    {
        using var dir = new TempDir();
        WriteFixture(dir);
        File.WriteAllText(dir["list_attr_celeba.txt"], "1\r\nSmiling Male\r\n000001.jpg 1 2\r\n");
        var e = Assert.Throws<DataFormatException>(() => CelebAReader.Read(dir.Path, "all"));
        Assert.Contains("list_attr_celeba.txt:3: attribute Male has value '2'", e.Message);
    }
}

public class CatalogErrorTests
{
    [Fact]
    public void MissingDatasetFolderSaysWhatToDo()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<AdversaException>(() => DatasetCatalog.Load(new DatasetRequest("svhn", DataRoot: dir.Path)));
        Assert.Contains("dataset folder not found", e.Message);
        Assert.Contains("adversa data download svhn", e.Message);
    }

    [Fact]
    public void WrongLayoutListsSupportedLayouts()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["mnist"]);
        File.WriteAllText(dir["mnist/readme.txt"], "nothing here");
        var e = Assert.Throws<AdversaException>(() => DatasetCatalog.Load(new DatasetRequest("mnist", DataRoot: dir.Path)));
        Assert.Contains("no supported layout", e.Message);
        Assert.Contains("train-images-idx3-ubyte", e.Message);
    }

    [Fact]
    public void UnknownDatasetListsKnownNames()
    {
        var e = Assert.Throws<AdversaException>(() => DatasetCatalog.Info("cifar"));
        Assert.Contains("synth-mnistm", e.Message);
    }
}
