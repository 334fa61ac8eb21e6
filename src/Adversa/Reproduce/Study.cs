using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Adversa.Acgan;
using Adversa.Dann;
using Adversa.Data;
using Adversa.Gan;
using Adversa.Metrics;
using Adversa.Plots;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Reproduce;

/// <summary>How big each part of the reproduction is. <see cref="Quick"/> is the default (~13 minutes on 2 cores).</summary>
public sealed record StudySize(
    string Name,
    int? Faces, int GanWidth, int GanLatent, int GanEpochs, int GanBatch, int FidSamples, int FidSize,
    int ControlPairs, int ClassifierEpochs,
    int? Digits, int DannEpochs, int DannBatch, int TsnePoints, int TsneIterations,
    int UdaSize, int UdaFrozenEpochs, int UdaFineTuneEpochs)
{
    public static readonly StudySize Tiny = new("tiny", 64, 8, 16, 1, 16, 20, 32, 20, 1, 256, 1, 64, 40, 250, 32, 1, 1);
    public static readonly StudySize Quick = new("quick", 1500, 32, 100, 10, 32, 500, 64, 300, 2, 3000, 3, 128, 500, 1000, 32, 3, 1);
    public static readonly StudySize Full = new("full", null, 64, 100, 25, 64, 2500, 112, 1000, 3, null, 20, 128, 1000, 1000, 32, 2, 10);

    public static StudySize Parse(string name) => name switch
    {
        "tiny" => Tiny, "quick" => Quick, "full" => Full,
        _ => throw new Common.AdversaException($"size must be tiny, quick or full, not '{name}'"),
    };
}

public sealed record StudyOptions(string Out, StudySize Size, string? DataRoot, bool Force, long Seed);

/// <summary>
/// <c>adversa reproduce</c>: every figure and table of the study in one run, written as report/index.md and a
/// self-contained report/index.html. Each part stores its results under parts/NAME/ with the settings that
/// produced them; a rerun skips parts whose settings are unchanged (unless forced), and training inside a part
/// resumes from its checkpoint.
/// </summary>
public sealed class Study(StudyOptions o, IProgressSink progress)
{
    readonly List<(string Part, double Seconds, bool Reused)> _timings = [];

    // One-sided label smoothing and instance noise: on the flat synthetic faces the plain DCGAN discriminator wins
    // outright within the short budget (D(G(z)) ~ 0.001, grey samples); with these, heads appear after ~200 steps.
    const double RealLabel = 0.9, InstanceNoise = 0.1;
    string Parts => Path.Combine(o.Out, "parts");

    public ReportWriter Run()
    {
        using var runLock = RunLock.Acquire(o.Out);
        var clock = Stopwatch.StartNew();
        var report = new ReportWriter(o.Out);
        var faces = o.DataRoot is not null && Directory.Exists(Path.Combine(DatasetCatalog.ResolveRoot(o.DataRoot), "celeba")) ? "celeba" : "synth-faces";
        var (digitsA, digitsB) = RealDigits() ?? ("synth-svhn", "synth-mnistm");

        report.H(1, "Adversa: adversarial deep learning study, reproduced");
        report.P($"Size '{o.Size.Name}', seed {o.Seed}, faces: {faces}, digit domains: {digitsA} and {digitsB}" +
                 (o.DataRoot is null ? " (embedded synthetic data; pass --data-root for real datasets)." : $" (data root {DatasetCatalog.ResolveRoot(o.DataRoot)})."));
        if (o.DataRoot is not null) foreach (var note in MissingData()) report.P(note);

        report.H(2, "1. Architectures");
        foreach (var family in ModelSummary.Families) report.Pre(ModelSummary.Describe(family));

        Gan(report, faces);
        Acgan(report, faces);
        var tsneRuns = DannTable(report, digitsA, digitsB);
        Tsne(report, tsneRuns, digitsA, digitsB);

        report.H(2, "7. Settings, versions and run times");
        report.Pre(JsonSerializer.Serialize(new { size = o.Size, o.Seed, faces, digits = new[] { digitsA, digitsB } }, new JsonSerializerOptions { WriteIndented = true }));
        report.Grid(["part", "seconds", "reused"], _timings.Select(t => new[] { t.Part, t.Seconds.ToString("F1", CultureInfo.InvariantCulture), t.Reused ? "yes" : "no" }));
        report.P($"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} (LibTorch {__version__}), .NET {Environment.Version}, " +
                 $"{get_num_threads()} threads on {Environment.ProcessorCount} cores; total {clock.Elapsed.TotalMinutes:F1} min; written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        report.Write();
        return report;
    }

    (string, string)? RealDigits()
    {
        if (o.DataRoot is null) return null;
        var root = DatasetCatalog.ResolveRoot(o.DataRoot);
        return Directory.Exists(Path.Combine(root, "svhn")) && Directory.Exists(Path.Combine(root, "mnist_m")) ? ("svhn", "mnistm") : null;
    }

    IEnumerable<string> MissingData()
    {
        var root = DatasetCatalog.ResolveRoot(o.DataRoot);
        foreach (var (folder, use) in new[] { ("celeba", "GAN/ACGAN"), ("svhn", "DANN"), ("mnist_m", "DANN") })
            if (!Directory.Exists(Path.Combine(root, folder)))
                yield return $"Note: {Path.Combine(root, folder)} is missing, so {use} use the embedded synthetic data instead.";
    }

    /// <summary>Runs <paramref name="work"/> unless parts/NAME/done.json holds the same settings; returns its stored result.</summary>
    T Part<T>(string name, object settings, Func<string, T> work)
    {
        var dir = Path.Combine(Parts, name);
        var marker = Path.Combine(dir, "done.json");
        var key = JsonSerializer.Serialize(settings);
        var clock = Stopwatch.StartNew();
        if (!o.Force && File.Exists(marker))
        {
            var stored = JsonDocument.Parse(File.ReadAllText(marker)).RootElement;
            if (stored.GetProperty("settings").GetString() == key)
            {
                progress.Log($"[reproduce] {name}: unchanged settings, reusing {marker}");
                _timings.Add((name, stored.GetProperty("seconds").GetDouble(), true));
                return stored.GetProperty("result").Deserialize<T>(Common.Json.Options)!;
            }
            else if (Directory.Exists(dir)) Directory.Delete(dir, true); // finished under other settings: its checkpoint must not be resumed
        }
        if (o.Force && Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        progress.Log($"[reproduce] {name}: running");
        var result = work(dir);
        _timings.Add((name, clock.Elapsed.TotalSeconds, false));
        Common.Json.Write(marker, new Dictionary<string, object?> { ["settings"] = key, ["seconds"] = clock.Elapsed.TotalSeconds, ["result"] = result });
        return result;
    }

    ImageSet LoadFaces(string faces) =>
        DatasetCatalog.Load(new DatasetRequest(faces, "all", o.Size.Faces, o.DataRoot, o.Seed));

    sealed record GanPart(string Grid, string Loss, FidReport Fid);

    void Gan(ReportWriter report, string faces)
    {
        var s = o.Size;
        var r = Part("dcgan", new { faces, s.Faces, s.GanWidth, s.GanLatent, s.GanEpochs, s.GanBatch, s.FidSamples, s.FidSize, RealLabel, InstanceNoise, o.Seed }, dir =>
        {
            using var data = LoadFaces(faces);
            var options = new GanTrainOptions(new DcganOptions(s.GanLatent, s.GanWidth, s.GanWidth), s.GanEpochs, s.GanBatch,
                                              RealLabel: RealLabel, InstanceNoise: InstanceNoise, Seed: o.Seed);
            var trainer = new DcganTrainer(data, options);
            TrainingLoop.Run(trainer, new LoopOptions(s.GanEpochs, dir, Resume: true, RestartIfChanged: true), progress);
            var grid = Path.Combine(dir, "faces-32.png");
            using (var gen = new Generator((ulong)o.Seed))
            using (var z = randn([32, s.GanLatent], generator: gen))
                DcganTrainer.SaveGrid(trainer.G, z, grid, 8);
            var fid = FidReport.Evaluate(data.Images, n => DcganTrainer.GenerateBytes(trainer.G, n, o.Seed), s.FidSamples, new FeatureExtractor(s.FidSize), o.Seed, progress);
            return new GanPart(Rel(grid), Rel(Path.Combine(dir, "loss.png")), fid);
        });
        report.H(2, "2. DCGAN: 32 random faces");
        report.Image(Full(r.Grid), $"32 faces from random noise (seed {o.Seed}), generator trained {s.GanEpochs} epochs on {faces}", upscale: true);
        report.Image(Full(r.Loss), "DCGAN training curves (losses, D(x), D(G(z)); moving average)");
        report.H(3, "GAN metrics");
        report.Grid(["metric", "generated vs real", "real vs real (floor)"],
        [
            ["FID-ResNet18", F(r.Fid.Fid), F(r.Fid.FloorFid)],
            ["KID", $"{G(r.Fid.Kid.Mean)} ± {G(r.Fid.Kid.Std)}", $"{G(r.Fid.FloorKid.Mean)} ± {G(r.Fid.FloorKid.Std)}"],
        ]);
        report.P($"{r.Fid.SamplesPerSet} images per set, features at {r.Fid.FeatureSize}x{r.Fid.FeatureSize}; {FidReport.Caveat}. " +
                 $"Training used one-sided label smoothing (real target {RealLabel}) and instance noise (std {InstanceNoise}) on D's inputs.");
    }

    sealed record AcganPart(string Pairs, string Loss, List<AttributeControlReport> Control);

    void Acgan(ReportWriter report, string faces)
    {
        var s = o.Size;
        var r = Part("acgan", new { faces, s.Faces, s.GanWidth, s.GanLatent, s.GanEpochs, s.GanBatch, s.ControlPairs, s.ClassifierEpochs, RealLabel, InstanceNoise, o.Seed }, dir =>
        {
            using var data = LoadFaces(faces);
            var options = new AcganTrainOptions(new DcganOptions(s.GanLatent, s.GanWidth, s.GanWidth), ["Smiling"], s.GanEpochs, s.GanBatch,
                                                RealLabel: RealLabel, InstanceNoise: InstanceNoise, Seed: o.Seed);
            var trainer = new AcganTrainer(data, options);
            TrainingLoop.Run(trainer, new LoopOptions(s.GanEpochs, dir, Resume: true, RestartIfChanged: true), progress);
            var pairs = Path.Combine(dir, "smiling-pairs.png");
            using (var gen = new Generator((ulong)o.Seed))
            using (var z = randn([10, s.GanLatent], generator: gen))
                AcganTrainer.SavePairs(trainer.G, z, 1, 0, pairs, o.Seed);
            var control = AttributeControlEvaluation.Evaluate(trainer.G, ["Smiling"], ["Smiling"], data, s.ControlPairs, s.ClassifierEpochs, o.Seed, progress);
            return new AcganPart(Rel(pairs), Rel(Path.Combine(dir, "loss.png")), control);
        });
        report.H(2, "3. ACGAN: Smiling off (top) and on (bottom)");
        report.Image(Full(r.Pairs), "10 pairs: each column is one noise vector, generated with Smiling = 0 (top) and 1 (bottom)", upscale: true);
        report.Image(Full(r.Loss), "ACGAN training curves");
        report.H(3, "Attribute control");
        report.Grid(["attribute", "judge accuracy on real held-out", "off judged off", "on judged on", "pair flip rate (chance 25%)", "pairs"],
            r.Control.Select(c => new[] { c.Attribute, P(c.ClassifierHeldOutAccuracy), P(c.Score.OffAccuracy), P(c.Score.OnAccuracy), P(c.Score.FlipRate), c.Score.Pairs.ToString() }));
    }

    sealed record DannPart(string Source, string Target, string Mode, double TargetAccuracy, double SourceAccuracy, string Checkpoint, string Evaluation,
                           double? TargetAdaBn);

    List<DannPart> DannTable(ReportWriter report, string a, string b)
    {
        var s = o.Size;
        var runs = new List<DannPart>();
        foreach (var (src, tgt) in new[] { (a, b), (b, a) })
            foreach (var mode in new[] { DannMode.SourceOnly, DannMode.Dann, DannMode.TargetOnly })
            {
                var name = $"dann-{src}-to-{tgt}-{DannRun.ModeName(mode)}";
                runs.Add(Part(name, new { src, tgt, mode, s.Digits, s.DannEpochs, s.DannBatch, adaBn = true, o.Seed, DannOptions.DefaultAverageFrom }, dir =>
                {
                    using var source = DomainData.Load(src, o.DataRoot, s.Digits, 0.1, o.Seed);
                    using var target = DomainData.Load(tgt, o.DataRoot, s.Digits, 0.1, o.Seed);
                    var result = DannRun.TrainAndEvaluate(source, target, new DannOptions(src, tgt, mode, s.DannEpochs, s.DannBatch, Seed: o.Seed), dir, progress,
                                                          adaBn: true);
                    return new DannPart(src, tgt, DannRun.ModeName(mode), result.Target.Accuracy, result.Source.Accuracy, Rel(result.Checkpoint), target.EvalDescription,
                                        result.TargetAdaBn?.Accuracy);
                }));
            }
        report.H(2, "4. Domain adaptation: target accuracy (%)");
        var columns = new[] { $"{a} → {b}", $"{b} → {a}" };
        string Cell(string mode, string src, string tgt) => F(100 * runs.Single(r => r.Mode == mode && r.Source == src && r.Target == tgt).TargetAccuracy);
        string AdaBn(string mode, string src, string tgt) => F(100 * runs.Single(r => r.Mode == mode && r.Source == src && r.Target == tgt).TargetAdaBn!.Value);
        var rows = new[] { "source-only", "dann", "target-only" }.Select(m => new[] { m, Cell(m, a, b), Cell(m, b, a) }).ToList();
        rows.InsertRange(2, new[] { "source-only", "dann" }.Select(m => new[] { $"{m} + AdaBN", AdaBn(m, a, b), AdaBn(m, b, a) }));
        var uda = new[] { (a, b), (b, a) }.Select(pair => UdaRun(pair.Item1, pair.Item2)).ToList();
        rows.Add([Uda.UdaRun.RowName, .. uda.Select(u => F(100 * u.TargetAccuracy))]);
        report.Grid(["method", .. columns], rows);
        report.P($"Reported: {DannTrainer.ReportedName(DannOptions.DefaultAverageFrom)} of each run ({s.DannEpochs} epochs, batch {s.DannBatch}); no model selection on target labels. " +
                 "'+ AdaBN' rows: the same models with batch-norm statistics recalibrated on the target's unlabelled training images (no labels used). " +
                 $"Evaluation parts: {string.Join("; ", runs.Select(r => r.Evaluation).Distinct())}. " +
                 $"Improved UDA: ImageNet ResNet18 backbone at {s.UdaSize}x{s.UdaSize}, {s.UdaFrozenEpochs} epochs frozen (cached features) + {s.UdaFineTuneEpochs} fine-tuning layer2 to layer4, batch {s.DannBatch}.");
        _uda = uda;
        return runs;
    }

    sealed record UdaPart(string Source, string Target, double TargetAccuracy, double SourceAccuracy, string Checkpoint);
    List<UdaPart> _uda = [];

    UdaPart UdaRun(string src, string tgt)
    {
        var s = o.Size;
        return Part($"uda-{src}-to-{tgt}", new { src, tgt, s.Digits, s.UdaSize, s.UdaFrozenEpochs, s.UdaFineTuneEpochs, s.DannBatch, o.Seed, DannOptions.DefaultAverageFrom }, dir =>
        {
            using var source = DomainData.Load(src, o.DataRoot, s.Digits, 0.1, o.Seed);
            using var target = DomainData.Load(tgt, o.DataRoot, s.Digits, 0.1, o.Seed);
            var options = new Uda.UdaOptions(src, tgt, ImageSize: s.UdaSize, FrozenEpochs: s.UdaFrozenEpochs, FineTuneEpochs: s.UdaFineTuneEpochs, Batch: s.DannBatch, Seed: o.Seed);
            var r = Uda.UdaRun.TrainAndEvaluate(source, target, options, dir, progress);
            return new UdaPart(src, tgt, r.Target.Accuracy, r.Source.Accuracy, Rel(r.Checkpoint));
        });
    }

    sealed record TsnePart(string Figure, double Kl, double Trust);

    void Tsne(ReportWriter report, List<DannPart> runs, string a, string b)
    {
        var s = o.Size;
        report.H(2, "5. Latent space (t-SNE)");
        foreach (var mode in new[] { "source-only", "dann" })
        {
            var run = runs.Single(r => r.Mode == mode && r.Source == a && r.Target == b);
            var (model, _) = DannRun.LoadModel(Full(run.Checkpoint));
            var t = TsneOf($"tsne-{mode}", run.Checkpoint, model.Features, model.Transform, $"{mode} {a}→{b}", a, b);
            report.Image(Full(t.Figure), $"{mode} {a}→{b}: latent features of {s.TsnePoints} evaluation images per domain; left by domain, right by class " +
                                   $"(KL {F(t.Kl)}, trustworthiness {F(t.Trust)})");
        }
        report.H(2, "6. Improved UDA");
        var u = _uda.Single(r => r.Source == a && r.Target == b);
        var (udaModel, _, transform) = Uda.UdaRun.LoadModel(Full(u.Checkpoint));
        var ut = TsneOf("tsne-uda", u.Checkpoint, udaModel.Features, transform, $"improved UDA {a}→{b}", a, b);
        report.P($"ImageNet-pretrained ResNet18 (ML.NET's ONNX weights imported into TorchSharp), conv head to the same 800-d latent as DANN, " +
                 $"trained adversarially: target accuracy {F(100 * u.TargetAccuracy)}% on {a}→{b}, source {F(100 * u.SourceAccuracy)}% (table above for both directions).");
        report.Image(Full(ut.Figure), $"improved UDA {a}→{b}: latent features of {s.TsnePoints} evaluation images per domain; left by domain, right by class " +
                                $"(KL {F(ut.Kl)}, trustworthiness {F(ut.Trust)})");
    }

    TsnePart TsneOf(string name, string checkpoint, Func<Tensor, Tensor> features, ImageTransform transform, string title, string a, string b)
    {
        var s = o.Size;
        return Part(name, new { checkpoint, s.TsnePoints, s.TsneIterations, o.Seed }, dir =>
        {
            using var source = DomainData.Load(a, o.DataRoot, s.Digits, 0.1, o.Seed);
            using var target = DomainData.Load(b, o.DataRoot, s.Digits, 0.1, o.Seed);
            var figure = Path.Combine(dir, $"{name}.png");
            var rep = LatentSpace.Plot(features, transform, source.Eval, target.Eval, s.TsnePoints, figure, title, o.Seed, progress,
                                       new TsneOptions(Iterations: s.TsneIterations, Seed: o.Seed));
            return new TsnePart(Rel(figure), rep.KlDivergence, rep.Trustworthiness);
        });
    }

    /// <summary>Paths stored in parts/*/done.json are relative to the report folder, so a moved or copied report still finds its own files.</summary>
    string Rel(string path) => Path.GetRelativePath(o.Out, path).Replace('\\', '/');

    string Full(string relative) => Path.Combine(o.Out, relative);

    static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
    static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
    static string P(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
