using Adversa.Common;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Adversa.Adaptation;
using Adversa.Dann;
using Adversa.Tests.Fixtures;
using Adversa.Training;

namespace Adversa.Tests.Training;

public class CheckpointTests
{
    [Fact]
    public void OptionsAreSnakeCaseAndOlderPascalCaseCheckpointsStillLoadAndResume()
    {
        using var source = DomainData.Load("synth-svhn", null, 96, 0.1, seed: 2);
        using var target = DomainData.Load("synth-mnistm", null, 96, 0.1, seed: 2);
        var options = new DannOptions("synth-svhn", "synth-mnistm", AdaptationMethod.Dann, Epochs: 1, Batch: 32, Width: 8, Seed: 2, AverageFrom: 0.5);
        using var dir = new TempDir();
        var trainer = new DannTrainer(source, target, options);
        TrainingLoop.Run(trainer, new LoopOptions(1, dir.Path), NullProgress.Instance);
        var path = TrainingLoop.CheckpointPath(dir.Path);
        var meta = Checkpoint.ReadMeta(path);
        Assert.Equal("dann", (string?)meta["options"]!["mode"]);
        Assert.Equal(0.5, (double)meta["options"]!["average_from"]!);
        Assert.Null(meta["options"]!["AverageFrom"]);

        // The same checkpoint as an older version wrote it: PascalCase option names, enums as numbers.
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("meta.json")!;
            JsonObject old;
            using (var s = entry.Open()) old = JsonNode.Parse(s)!.AsObject();
            var pascal = new JsonObject();
            foreach (var (key, value) in old["options"]!.AsObject().ToList())
                pascal[string.Concat(key.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]))] = value?.DeepClone();
            pascal["Mode"] = 1;
            old["options"] = pascal;
            entry.Delete();
            using var w = new StreamWriter(zip.CreateEntry("meta.json").Open());
            w.Write(old.ToJsonString());
        }
        Assert.Contains("\"AverageFrom\"", new StreamReader(ZipFile.OpenRead(path).GetEntry("meta.json")!.Open()).ReadToEnd());
        var (model, read) = DannRun.LoadModel(path);
        Assert.Equal(options with { ImageSize = 32 }, read); // the automatic size, as resolved and recorded
        TensorAssert.SameState(trainer.Average!.Averaged, model); // still the average, found by its old name
        Assert.Empty(Checkpoint.ChangedSettings(path, new DannTrainer(source, target, options).State)); // so --resume accepts it
    }

    [Fact]
    public void TheWeightsFingerprintFollowsTheWeightsAndNotTheTimeStampOrHistory()
    {
        var options = new DannOptions("synth-svhn", "synth-mnistm", AdaptationMethod.SourceOnly, Epochs: 1, Batch: 32, Width: 8, Seed: 4);
        using var source = DomainData.Load("synth-svhn", null, 64, 0.1, seed: 4);
        using var target = DomainData.Load("synth-mnistm", null, 64, 0.1, seed: 4);
        using var dir = new TempDir();
        string Train(string name, DannOptions o)
        {
            TrainingLoop.Run(new DannTrainer(source, target, o), new LoopOptions(1, Path.Combine(dir.Path, name)), NullProgress.Instance);
            return TrainingLoop.CheckpointPath(Path.Combine(dir.Path, name));
        }
        var first = Train("a", options);
        var again = Train("b", options); // the same seed in another folder, written at another time
        Assert.NotEqual(File.ReadAllBytes(first), File.ReadAllBytes(again)); // the files differ (meta.json's time stamp) ...
        Assert.Equal(Checkpoint.WeightsFingerprint(first), Checkpoint.WeightsFingerprint(again)); // ... their weights do not
        Assert.Matches("^[0-9a-f]{16}$", Checkpoint.WeightsFingerprint(first));
        Assert.NotEqual(Checkpoint.WeightsFingerprint(first), Checkpoint.WeightsFingerprint(Train("c", options with { Seed = 5 })));
    }
}
