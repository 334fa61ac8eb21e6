using Adversa.Data;
using Adversa.Tests.Fixtures;

using static Adversa.Tests.Fixtures.TensorAssert;

namespace Adversa.Tests.Data;

/// <summary>Smoke tests on the real files in shared/data, with counts and labels from each folder's SOURCE.md.</summary>
public class SharedDataTests
{
    static ImageSet Load(string name, int? limit = null, string split = "train") =>
        DatasetCatalog.Load(new DatasetRequest(name, split, limit, SharedData.Root));

    [Fact]
    public void MnistHas60000ImagesWithTheOfficialLabelsAndClassCounts()
    {
        using var set = Load("mnist");
        Assert.Equal(60_000, set.Count);
        Assert.Equal(new long[] { 5, 0, 4, 1, 9 }, set.Labels!.narrow(0, 0, 5).data<long>().ToArray());
        Assert.Equal(new long[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, set.ClassCounts());
    }

    [Fact]
    public void MnistMFromZip()
    {
        using var set = Load("mnistm", limit: 2000);
        Assert.Equal(2000, set.Count);
        Assert.Equal(new long[] { 2000, 3, 32, 32 }, set.Images.shape);
        // MNIST-M image i was made from MNIST image i: same labels.
        using var mnist = Load("mnist", limit: 2000);
        Assert.True(Same(set.Labels!, mnist.Labels!));
    }

    [Fact]
    public void SvhnCourseLayout()
    {
        using var set = Load("svhn");
        Assert.Equal(5000, set.Count);
        Assert.Equal(new long[] { 339, 988, 775, 561, 496, 450, 381, 376, 316, 318 }, set.ClassCounts());
        Assert.Equal(new long[] { 5, 2 }, set.Labels!.narrow(0, 0, 2).data<long>().ToArray());
    }

    [Fact]
    public void UspsHas7291ImagesWithTheOfficialClassCounts()
    {
        using var set = Load("usps");
        Assert.Equal(7291, set.Count);
        Assert.Equal(new long[] { 1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644 }, set.ClassCounts());
    }

    [Fact]
    public void CelebAPartitionsAndSmiling()
    {
        using var valid = Load("celeba", split: "valid");
        Assert.Equal(780, valid.Count);
        using var all = Load("celeba", split: "all", limit: 200);
        Assert.Equal(40, all.AttributeNames.Count);
        Assert.Equal("Smiling", all.AttributeNames[31]);
        Assert.Equal(new long[] { 200, 3, 64, 64 }, all.Images.shape);
    }
}
