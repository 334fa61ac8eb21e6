using Adversa.Interop;
using System.Text.Json.Nodes;
using Adversa.Acgan;
using Adversa.Adaptation;
using Adversa.Common;
using Adversa.Dann;
using Adversa.Data.Synthetic;
using Adversa.Gan;
using Adversa.Tests.Fixtures;
using Adversa.Training;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Adversa.Tests.Training;

public class PyTorchWeightsTests
{
    /// <summary>
    /// Exports a checkpoint's reported model, checks the .pth holds exactly the model's keys and shapes (what a PyTorch
    /// load_state_dict on the same architecture needs) and the sidecar lists them, imports it back and checks the imported
    /// checkpoint's reported model gives the same outputs as the original's.
    /// </summary>
    internal static void RoundTrip(string checkpoint, Func<string, nn.Module> loadReported, Func<nn.Module, Tensor> run)
    {
        using var dir = new TempDir();
        var r = PyTorchWeights.Export(checkpoint, dir["m.pth"]);
        var original = loadReported(checkpoint);
        var expected = original.state_dict();
        var pickled = PyTorchUnpickler.UnpickleStateDict(dir["m.pth"]);
        Assert.Equal(expected.Keys.Order(), pickled.Keys.Cast<string>().Order());
        foreach (var (key, value) in expected) Assert.Equal(value.shape, ((Tensor)pickled[key]!).shape);
        var sidecar = JsonNode.Parse(File.ReadAllText(dir["m.json"]))!;
        Assert.Equal(expected.Count, sidecar["state_dict"]!.AsObject().Count);
        Assert.Equal(expected.Count, r.Tensors);

        Assert.Equal(r.Kind, PyTorchWeights.Import(dir["m.pth"], dir["imported.zip"]));
        var imported = loadReported(dir["imported.zip"]);
        original.eval();
        imported.eval();
        using var noGrad = no_grad();
        Assert.True(TensorAssert.Same(run(original), run(imported)), "the imported model computes something else");
    }

    [Fact]
    public void DcganAndAcganGeneratorsRoundTrip()
    {
        using var faces = SynthFaces.Generate(32, seed: 1);
        using var dir = new TempDir();
        var model = new DcganOptions(LatentSize: 16, GeneratorWidth: 8, DiscriminatorWidth: 8);
        var gan = new DcganTrainer(faces, new GanTrainOptions(model, Epochs: 1, Batch: 8, AverageFrom: 0.5));
        TrainingLoop.Run(gan, new LoopOptions(1, dir["gan"]), NullProgress.Instance);
        using var z = randn(3, 16);
        RoundTrip(TrainingLoop.CheckpointPath(dir["gan"]), DcganTrainer.LoadReported, g => ((DcganGenerator)g).forward(z));

        var acgan = new AcganTrainer(faces, new AcganTrainOptions(model, ["Smiling"], Epochs: 1, Batch: 8));
        TrainingLoop.Run(acgan, new LoopOptions(1, dir["acgan"]), NullProgress.Instance);
        using var zc = randn(3, 17);
        RoundTrip(TrainingLoop.CheckpointPath(dir["acgan"]), c => AcganTrainer.LoadReported(c).G, g => ((DcganGenerator)g).forward(zc));
    }

    [Fact]
    public void MeanTeacherDigitModelRoundTripsAsItsTeacher()
    {
        using var source = DomainData.Load("synth-svhn", null, 128, 0.1, seed: 3);
        using var target = DomainData.Load("synth-mnistm", null, 128, 0.1, seed: 3);
        using var dir = new TempDir();
        var trainer = new DannTrainer(source, target, new DannOptions("synth-svhn", "synth-mnistm", AdaptationMethod.MeanTeacher, Epochs: 1, Batch: 32, Width: 8, Seed: 3));
        TrainingLoop.Run(trainer, new LoopOptions(1, dir.Path), NullProgress.Instance);
        using var x = randn(4, 3, 32, 32);
        RoundTrip(TrainingLoop.CheckpointPath(dir.Path), c => DannRun.LoadModel(c).Model, m => ((DannModel)m).forward(x));
        // What is exported is the teacher (the reported model), not the student.
        using var exportDir = new TempDir();
        PyTorchWeights.Export(TrainingLoop.CheckpointPath(dir.Path), exportDir["t.pth"]);
        var teacher = (DannModel)trainer.Average!.Averaged;
        var pickled = PyTorchUnpickler.UnpickleStateDict(exportDir["t.pth"]);
        var key = teacher.state_dict().Keys.First(k => k.EndsWith("weight"));
        Assert.True(TensorAssert.Same(teacher.state_dict()[key], (Tensor)pickled[key]!));
        Assert.False(TensorAssert.Same(trainer.Model.state_dict()[key], (Tensor)pickled[key]!));
    }

    [Fact]
    public void ImportNamesTheMissingSidecarAndWeightsThatDoNotFit()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["w.pth"], [1, 2, 3]);
        var e = Assert.Throws<AdversaException>(() => PyTorchWeights.Import(dir["w.pth"], dir["c.zip"]));
        Assert.Contains("w.json: not found", e.Message);

        // A DCGAN generator's weights with a sidecar that says DANN: refused, naming the file, and no checkpoint written.
        new DcganGenerator(new DcganOptions(16, 8, 8)).save_py(dir["g.pth"]);
        var options = System.Text.Json.JsonSerializer.SerializeToNode(new DannOptions("synth-svhn", "synth-mnistm", AdaptationMethod.Dann, Width: 8, ImageSize: 32), Checkpoint.OptionsJson);
        File.WriteAllText(dir["g.json"], new JsonObject { ["format"] = PyTorchWeights.Format, ["kind"] = "dann", ["options"] = options }.ToJsonString());
        var bad = Assert.Throws<DataFormatException>(() => PyTorchWeights.Import(dir["g.pth"], dir["c.zip"]));
        Assert.Contains("g.pth", bad.Message);
        Assert.Contains("do not fit the dann model", bad.Message);
        Assert.False(File.Exists(dir["c.zip"]));
    }
}
