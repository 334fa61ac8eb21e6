using Adversa.Data;
using Adversa.Adaptation;
using Adversa.Dann;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Tests.Adaptation;

public class BatchNormRecalibrationTests
{
    [Fact]
    public void RunningStatisticsBecomeThoseOfTheGivenDomain()
    {
        // A DANN model evaluated on images whose transformed pixels are a constant c per channel: after
        // recalibration the first batch norm's running mean is exactly the mean of conv1's max-pooled response to them.
        using var images = TorchSharp.torch.full([64, 3, 32, 32], (byte)200, dtype: ScalarType.Byte);
        using var set = new Adversa.Data.ImageSet("flat", images.clone(), zeros(64, dtype: ScalarType.Int64));
        var model = new DannModel();
        BatchNormRecalibration.Apply(model, set, model.Transform, batch: 32);
        Assert.False(model.training);
        var bn1 = model.state_dict()["features.bn1.running_mean"];
        using var x = model.Transform.Apply(images.narrow(0, 0, 1));
        Tensor conv;
        using (no_grad())
            conv = model.named_modules().Single(m => m.name == "features.conv1").module is TorchSharp.Modules.Conv2d c ? c.forward(x) : throw new InvalidOperationException();
        var expected = TorchSharp.torch.nn.functional.max_pool2d(conv, 2).mean([0, 2, 3]);
        Assert.True((bn1 - expected).abs().max().item<float>() < 1e-4, "running mean should equal the domain's conv1 mean");
        Assert.Equal(2L, model.state_dict()["features.bn1.num_batches_tracked"].item<long>());
    }
}
