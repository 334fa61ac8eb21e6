using Adversa.Adaptation;
using Adversa.Data;
using Adversa.Tests.Fixtures;

namespace Adversa.Tests.Adaptation;

/// <summary>Which images a real digit domain trains on and which it is evaluated on.</summary>
public class DomainDataTests
{
    /// <summary>SVHN in the course layout: <paramref name="count"/> 32x32 images of <paramref name="split"/>, digit i % 10, pixels seeded by <paramref name="offset"/> + i.</summary>
    static void WriteSvhn(TempDir dir, string split, int count, int offset)
    {
        Directory.CreateDirectory(dir[$"svhn/{split}"]);
        var rows = new List<string>();
        for (int i = 0; i < count; i++)
        {
            File.WriteAllBytes(dir[$"svhn/{split}/{i}.png"], Images.Png(Images.Pattern(32, 32, offset + i), 32, 32));
            rows.Add($"{i}.png,{i % 10}");
        }
        File.WriteAllLines(dir[$"svhn/{split}.csv"], ["image_name,label", .. rows]);
    }

    [Fact]
    public void WithoutTestFilesTenPercentOfTheTrainingFilesAreHeldOut()
    {
        using var dir = new TempDir();
        WriteSvhn(dir, "train", 40, offset: 0);
        Assert.False(DatasetCatalog.HasSplit("svhn", "test", dir.Path));
        using var d = DomainData.Load("svhn", dir.Path, limit: null, holdout: 0.1, seed: 1);
        Assert.Equal((36, 4), (d.Train.Count, d.Eval.Count));
        Assert.Contains("held-out 10", d.EvalDescription);
    }

    [Fact]
    public void TestFilesWhenPresentAreTheEvaluationPartAndTrainingKeepsEveryTrainingFile()
    {
        using var dir = new TempDir();
        WriteSvhn(dir, "train", 40, offset: 0);
        WriteSvhn(dir, "test", 12, offset: 100);
        Assert.True(DatasetCatalog.HasSplit("svhn", "test", dir.Path));
        using var d = DomainData.Load("svhn", dir.Path, limit: null, holdout: 0.1, seed: 1);
        Assert.Equal((40, 12), (d.Train.Count, d.Eval.Count));
        Assert.Equal("svhn test split (12 images, never trained on)", d.EvalDescription);
        // the evaluation images are the test files' pixels: test image 0 was drawn with seed 100, train image 0 with seed 0
        Assert.Equal(Images.Pattern(32, 32, 100)[0..3], d.Eval.Images[0].select(1, 0).select(1, 0).data<byte>().ToArray());
        // --limit takes the first N of each split
        using var limited = DomainData.Load("svhn", dir.Path, limit: 8, holdout: 0.1, seed: 1);
        Assert.Equal((8, 8), (limited.Train.Count, limited.Eval.Count));
    }
}
