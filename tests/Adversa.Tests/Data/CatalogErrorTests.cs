using Adversa.Common;
using Adversa.Data;
using Adversa.Tests.Fixtures;

using static Adversa.Tests.Fixtures.TensorAssert;

namespace Adversa.Tests.Data;

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
