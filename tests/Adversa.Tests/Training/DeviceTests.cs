using Adversa.Common;
using Adversa.Adaptation;
using Adversa.Acgan;
using Adversa.Dann;
using Adversa.Data;
using Adversa.Gan;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Tests.Training;

/// <summary>
/// Every trainer puts its parameters, buffers and batches on <see cref="Runtime.Device"/>, the device --device selected.
/// On this CPU-only build the selected device is the CPU, so the check is of the device each tensor reports, through the
/// code path a CUDA build takes (Runtime.SelectDevice, ToDevice on models, ImageTransform.Apply and the loader's labels).
/// </summary>
public class DeviceTests
{
    static void AllOn(Device device, nn.Module module, string what)
    {
        foreach (var (name, t) in module.named_parameters()) Assert.True(t.device_type == device.type, $"{what} parameter {name} is on {t.device}");
        foreach (var (name, t) in module.named_buffers()) Assert.True(t.device_type == device.type, $"{what} buffer {name} is on {t.device}");
    }

    static void On(Device device, Tensor? t, string what)
    {
        if (t is not null) Assert.True(t.device_type == device.type, $"{what} is on {t.device}, not {device}");
    }

    /// <summary>The trainer's first batch (images, labels, attributes) is on the device, and a step on it runs.</summary>
    static void FirstStepOn(Device device, ITrainer trainer, string what)
    {
        using var batch = trainer.Batches(0, 0).First();
        On(device, batch.Images, $"{what} images");
        On(device, batch.Labels, $"{what} labels");
        On(device, batch.Attributes, $"{what} attributes");
        using var scope = NewDisposeScope();
        trainer.Step(batch, 0, 0);
    }

    [Fact]
    public void TrainersPutModelsAndBatchesOnTheSelectedDevice()
    {
        var device = Runtime.SelectDevice("cpu");
        Assert.Equal(device.type, Runtime.Device.type);
        Assert.Equal(device.type, get_default_device().type);

        using var src = DomainData.Load("synth-svhn", null, 128, 0.1, 1);
        using var tgt = DomainData.Load("synth-mnistm", null, 128, 0.1, 1);
        var dann = new DannTrainer(src, tgt, new DannOptions("synth-svhn", "synth-mnistm", Epochs: 1, Batch: 32, Width: 4));
        AllOn(device, dann.Model, "DANN model");
        AllOn(device, dann.Average!, "DANN weight average");
        FirstStepOn(device, dann, "DANN");
        AllOn(device, dann.Model, "DANN model after a step");

        using var faces = Adversa.Data.Synthetic.SynthFaces.Generate(16, 1);
        var gan = new DcganTrainer(faces, new GanTrainOptions(new DcganOptions(8, 4, 4), Epochs: 1, Batch: 8));
        AllOn(device, gan.G, "generator");
        AllOn(device, gan.D, "discriminator");
        var acgan = new AcganTrainer(faces, new AcganTrainOptions(new DcganOptions(8, 4, 4), ["Smiling"], Epochs: 1, Batch: 8));
        FirstStepOn(device, acgan, "ACGAN");
        AllOn(device, acgan.G, "ACGAN generator");
        AllOn(device, acgan.D, "ACGAN discriminator");
        On(device, new ImageTransform(32, 3, Normalization.CaffeBgr).Apply(zeros([1, 3, 32, 32], dtype: ScalarType.Byte)), "a transformed batch");
    }
}
