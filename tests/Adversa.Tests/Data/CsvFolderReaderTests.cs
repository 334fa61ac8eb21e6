using Adversa.Common;
using Adversa.Data.Readers;
using Adversa.Tests.Fixtures;

using static Adversa.Tests.Fixtures.TensorAssert;

namespace Adversa.Tests.Data;

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
