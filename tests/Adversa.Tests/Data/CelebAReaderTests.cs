using Adversa.Common;
using Adversa.Data.Readers;
using Adversa.Tests.Fixtures;

using static Adversa.Tests.Fixtures.TensorAssert;

namespace Adversa.Tests.Data;

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
