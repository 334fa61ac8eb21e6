using Adversa.Common;
using Adversa.Acgan;
using Adversa.Data;
using Adversa.Gan;
using Adversa.Metrics;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Reproduce;

/// <summary>The DCGAN and ACGAN parts on the faces (training, grids, FID, attribute control) and their report sections.</summary>
public sealed partial class Study
{
    ImageSet LoadFaces(string faces) =>
        DatasetCatalog.Load(new DatasetRequest(faces, "all", o.Size.Faces, o.DataRoot, o.Seed));

    sealed record GanPart(string Grid, string Loss, FidReport Fid);

    GanPart Gan(string faces)
    {
        var s = o.Size;
        return Part("dcgan", new { faces, s.Faces, s.GanWidth, s.GanLatent, s.GanEpochs, s.GanBatch, s.GanLearningRate, s.FidSamples, s.FidSize, RealLabel, InstanceNoise, o.Seed, GanAverageFrom, DiffAugment }, dir =>
        {
            using var data = LoadFaces(faces);
            var options = new GanTrainOptions(new DcganOptions(s.GanLatent, s.GanWidth, s.DiscriminatorWidth), s.GanEpochs, s.GanBatch, LearningRate: s.GanLearningRate,
                                              RealLabel: RealLabel, InstanceNoise: InstanceNoise, Seed: o.Seed, AverageFrom: GanAverageFrom, DiffAugmentation: DiffAugment);
            var trainer = new DcganTrainer(data, options);
            TrainingLoop.Run(trainer, new LoopOptions(s.GanEpochs, dir, Resume: true, LogDir: LogDirOf("dcgan"), RestartIfChanged: true), progress);
            var grid = Path.Combine(dir, "faces-32.png");
            using (var gen = new Generator((ulong)o.Seed))
            using (var z = randn([32, s.GanLatent], generator: gen))
                DcganTrainer.SaveGrid(trainer.Reported, z.ToDevice(), grid, 8);
            var fid = FidReport.Evaluate(data.Images, n => DcganTrainer.GenerateBytes(trainer.Reported, n, o.Seed), s.FidSamples, new FeatureExtractor(s.FidSize), o.Seed, progress);
            return new GanPart(Rel(grid), Rel(Path.Combine(dir, "loss.png")), fid);
        });
    }

    void GanSection(ReportWriter report, GanPart r, string faces)
    {
        var s = o.Size;
        report.H(2, "2. DCGAN: 32 random faces");
        report.Image(Full(r.Grid), $"32 faces from random noise (seed {o.Seed}), generator trained {s.GanEpochs} epochs on {faces}", upscale: true);
        report.Image(Full(r.Loss), "DCGAN training curves (losses, D(x), D(G(z)); moving average)");
        report.H(3, "GAN metrics");
        FidTable(report, r.Fid);
        double ratio = r.Fid.Fid / Math.Max(1e-9, r.Fid.FloorFid);
        report.P($"{r.Fid.SamplesPerSet} images per set, features at {r.Fid.FeatureSize}x{r.Fid.FeatureSize}; {FidReport.Caveat}. " +
                 $"Training used Adam at learning rate {s.GanLearningRate:G3} (beta1 0.5), one-sided label smoothing (real target {RealLabel})" +
                 (InstanceNoise > 0 ? $" and instance noise (std {InstanceNoise}) on D's inputs" : "") +
                 (DiffAugment != "" ? $" and differentiable augmentation ({DiffAugment}) of every image D sees (Zhao et al. 2020)" : "") + "; samples and FID come from " +
                 $"the generator's weights averaged over the last {1 - GanAverageFrom:P0} of training's steps. " +
                 Verdict.Fid(ratio, FidTarget) + Scale(r.Fid));
    }

    sealed record AcganPart(string Pairs, string Loss, List<AttributeControlReport> Control);

    AcganPart Acgan(string faces)
    {
        var s = o.Size;
        return Part("acgan", new { faces, s.Faces, s.GanWidth, s.GanLatent, s.GanEpochs, s.GanBatch, s.GanLearningRate, s.ControlPairs, s.ClassifierEpochs, RealLabel, InstanceNoise, o.Seed, labelled = true, GanAverageFrom, AcganAuxWeight, DiffAugment }, dir =>
        {
            using var data = LoadFaces(faces);
            var options = new AcganTrainOptions(new DcganOptions(s.GanLatent, s.GanWidth, s.DiscriminatorWidth), ["Smiling"], s.GanEpochs, s.GanBatch, LearningRate: s.GanLearningRate,
                                                AuxWeight: AcganAuxWeight, RealLabel: RealLabel, InstanceNoise: InstanceNoise, Seed: o.Seed, AverageFrom: GanAverageFrom,
                                                DiffAugmentation: DiffAugment);
            var trainer = new AcganTrainer(data, options);
            TrainingLoop.Run(trainer, new LoopOptions(s.GanEpochs, dir, Resume: true, LogDir: LogDirOf("acgan"), RestartIfChanged: true), progress);
            var pairs = Path.Combine(dir, "smiling-pairs.png");
            using (var gen = new Generator((ulong)o.Seed))
            using (var z = randn([10, s.GanLatent], generator: gen))
                AcganTrainer.SavePairs(trainer.Reported, z.ToDevice(), 1, 0, pairs, o.Seed, rowLabels: ["Smiling off", "Smiling on"]);
            var control = AttributeControlEvaluation.Evaluate(trainer.Reported, ["Smiling"], ["Smiling"], data, s.ControlPairs, s.ClassifierEpochs, o.Seed, progress);
            return new AcganPart(Rel(pairs), Rel(Path.Combine(dir, "loss.png")), control);
        });
    }

    /// <summary>FID target as a multiple of the real-vs-real floor: 3x on the embedded faces (issue 15), 5x on CelebA's 5,340 (issue 16).</summary>
    double FidTarget => Faces == "celeba" ? 5 : 3;

    /// <summary>FID and KID of generated against real faces, beside the real-vs-real floor (the DCGAN's and the ACGAN's sections).</summary>
    static void FidTable(ReportWriter report, FidReport fid) =>
        report.Grid(["metric", "generated vs real", "real vs real (floor)"],
        [
            ["FID-ResNet18", F(fid.Fid), F(fid.FloorFid)],
            ["KID", $"{G(fid.Kid.Mean)} ± {G(fid.Kid.Std)}", $"{G(fid.FloorKid.Mean)} ± {G(fid.FloorKid.Std)}"],
        ]);

    /// <summary>FID/KID of the ACGAN's samples (the first attribute off for half, on for half) against the real faces, from the ACGAN part's
    /// checkpoint: a part of its own, so adding it did not retrain the generator.</summary>
    FidReport AcganFid(AcganPart acgan, string faces)
    {
        var s = o.Size;
        var checkpoint = Path.Combine(Path.GetDirectoryName(acgan.Loss)!, "checkpoint.zip");
        return Part("acgan-fid", new { checkpoint, weights = Fingerprint(checkpoint), s.FidSamples, s.FidSize, o.Seed }, dir =>
        {
            using var data = LoadFaces(faces);
            var (g, attributes) = AcganTrainer.LoadReported(Full(checkpoint));
            return FidReport.Evaluate(data.Images, n => AcganTrainer.GenerateBytes(g, attributes.Length, n, o.Seed), s.FidSamples, new FeatureExtractor(s.FidSize), o.Seed, progress);
        });
    }

    void AcganSection(ReportWriter report, AcganPart r, FidReport fid)
    {
        report.H(2, "3. ACGAN: Smiling off (top) and on (bottom)");
        report.Image(Full(r.Pairs), "10 pairs: each column is one noise vector, generated with Smiling = 0 (top row) and 1 (bottom row)", upscale: true);
        report.Image(Full(r.Loss), "ACGAN training curves");
        report.H(3, "Attribute control");
        report.Grid(["attribute", "judge accuracy on real held-out", "off judged off", "on judged on", "pair flip rate (chance 25%)", "pairs"],
            r.Control.Select(c => new[] { c.Attribute, P(c.ClassifierHeldOutAccuracy), P(c.Score.OffAccuracy), P(c.Score.OnAccuracy), P(c.Score.FlipRate), c.Score.Pairs.ToString() }));
        foreach (var c in r.Control) report.P(Verdict.Control(c));
        report.H(3, "ACGAN image quality");
        FidTable(report, fid);
        report.P($"{fid.SamplesPerSet} generated faces, Smiling off for half and on for half, against as many real ones; the same features as the DCGAN's FID. " +
                 Verdict.Fid(fid.Fid / Math.Max(1e-9, fid.FloorFid), FidTarget) + Scale(fid));
    }

    /// <summary>The FID's scale sentence (real faces after known damage), after a space; empty for parts finished before it existed.</summary>
    static string Scale(FidReport fid) => fid.DescribeReferences() is { Length: > 0 } s ? " " + s : "";
}
