using Adversa.Common;
using Adversa.Data.Readers;
using Adversa.Tests.Fixtures;
using PureHDF;


namespace Adversa.Tests.Data;

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
