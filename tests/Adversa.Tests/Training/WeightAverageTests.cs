using Adversa.Tests.Fixtures;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Tests.Training;

public class WeightAverageTests
{
    static nn.Module Net() => nn.Sequential(("fc", nn.Linear(2, 2)), ("bn", nn.BatchNorm1d(2)));

    static void Set(nn.Module m, float value, long tracked)
    {
        using var noGrad = no_grad();
        foreach (var (name, t) in m.state_dict())
            if (t.is_floating_point()) t.fill_(value);
            else t.fill_(tracked);
    }

    [Fact]
    public void TheAverageIsTheMeanOfTheWeightsAndStatisticsSeenAndSurvivesSaveAndLoad()
    {
        var online = Net();
        var average = new WeightAverage(Net());
        Assert.Equal(0, average.Count);
        foreach (var (value, tracked) in new[] { (1f, 3L), (2f, 4L), (6f, 5L) })
        {
            Set(online, value, tracked);
            average.Update(online);
        }
        Assert.Equal(3, average.Count);
        foreach (var (name, t) in average.Averaged.state_dict())
            if (t.is_floating_point()) Assert.True(t.allclose(full_like(t, 3.0)), $"{name} is not the mean 3"); // (1 + 2 + 6) / 3
            else Assert.Equal(5, t.item<long>()); // integer buffers (num_batches_tracked) are the latest value
        // The online model is untouched.
        Assert.True(((TorchSharp.Modules.Linear)((nn.Module)online.named_children().First().module)).weight!.allclose(full_like(zeros(2, 2), 6.0)));

        using var dir = new TempDir();
        var path = System.IO.Path.Combine(dir.Path, "avg.bin");
        average.save(path);
        var loaded = new WeightAverage(Net());
        loaded.load(path);
        Assert.Equal(3, loaded.Count);
        TensorAssert.SameState(average, loaded);
        Set(online, 7f, 6);
        loaded.Update(online); // continues the same mean: (1 + 2 + 6 + 7) / 4
        Assert.True(((TorchSharp.Modules.Linear)loaded.Averaged.named_children().First().module).bias!.allclose(full_like(zeros(2), 4.0)));
    }
}
