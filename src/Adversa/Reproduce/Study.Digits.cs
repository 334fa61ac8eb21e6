using Adversa.Tsne;
using Adversa.Adaptation;
using System.Globalization;
using Adversa.Dann;
using Adversa.Data;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Reproduce;

/// <summary>Each direction of the digit pair (source-only, DANN, target-only, mean teacher, improved UDA, t-SNE) and its report sections.</summary>
public sealed partial class Study
{
    /// <summary>Everything of one direction of the digit pair: the three DANN-table rows, the improved UDA row and the t-SNE figures.</summary>
    sealed record DirectionParts(string Source, string Target, int ImageSize, List<DannPart> Runs, UdaPart Uda, List<(string Mode, TsnePart Tsne)> Tsne);

    /// <param name="Collapse">The collapse check's warning on the target's unlabelled images (<see cref="Evaluation.CollapseWarning"/>), or null.</param>
    /// <param name="TargetImages">Target evaluation images behind <paramref name="TargetAccuracy"/> (0 in parts stored before it was recorded).</param>
    /// <param name="SourceTrainImages">The source domain's training images (its evaluation part excluded; 0 in parts stored before it was recorded).</param>
    sealed record DannPart(string Source, string Target, string Mode, double TargetAccuracy, double SourceAccuracy, string Checkpoint, string Evaluation,
                           double? TargetAdaBn, int ImageSize, string? Collapse = null, int TargetImages = 0, int SourceTrainImages = 0);

    DirectionParts Direction(string src, string tgt)
    {
        var s = o.Size;
        var runs = new List<DannPart>();
        foreach (var mode in new[] { AdaptationMethod.SourceOnly, AdaptationMethod.Dann, AdaptationMethod.TargetOnly, AdaptationMethod.MeanTeacher })
        {
            var name = $"dann-{src}-to-{tgt}-{AdaptationMethods.Name(mode)}";
            var labelled = mode == AdaptationMethod.TargetOnly ? tgt : src;
            bool jitter = Jitter(labelled);
            int shift = Shift(labelled);
            var options = mode == AdaptationMethod.MeanTeacher
                ? MeanTeacherRecipe(src, tgt, s, o.Seed, jitter, Recipe.CleanTeacher, shift)
                : new DannOptions(src, tgt, mode, Epochs: s.DannEpochs, Batch: s.DannBatch, BatchNorm: DannBatchNorm, Seed: o.Seed, ColorJitter: jitter, Shift: shift);
            runs.Add(Part(name, Added(new
            {
                src,
                tgt,
                mode,
                s.Digits,
                s.DannEpochs,
                s.DannBatch,
                adaBn = true,
                o.Seed,
                DannOptions.DefaultAverageFrom,
                DannBatchNorm,
                recipe = mode == AdaptationMethod.MeanTeacher ? options : null,
                color_jitter = jitter
            }, "shift", shift), dir =>
            {
                using var source = DomainData.Load(src, o.DataRoot, s.Digits, 0.1, o.Seed);
                using var target = DomainData.Load(tgt, o.DataRoot, s.Digits, 0.1, o.Seed);
                var result = DannRun.TrainAndEvaluate(source, target, options, dir, progress, logDir: LogDirOf(name), adaBn: true);
                return new DannPart(src, tgt, AdaptationMethods.Name(mode), result.Target.Accuracy, result.Source.Accuracy, Rel(result.Checkpoint), target.EvalDescription,
                              result.TargetAdaBn?.Accuracy, result.Options.ImageSize, result.Collapse, result.Target.Images, source.Train.Count);
            }));
        }
        var tsne = new List<(string, TsnePart)>();
        foreach (var mode in new[] { "source-only", "dann" })
        {
            var run = runs.Single(r => r.Mode == mode);
            tsne.Add((mode, Part($"tsne-{mode}-{src}-to-{tgt}", new { run.Checkpoint, weights = Fingerprint(run.Checkpoint), s.TsnePoints, s.TsneIterations, o.Seed }, dir =>
            {
                var (model, _) = DannRun.LoadModel(Full(run.Checkpoint));
                using var source = DomainData.Load(src, o.DataRoot, s.Digits, 0.1, o.Seed);
                using var target = DomainData.Load(tgt, o.DataRoot, s.Digits, 0.1, o.Seed);
                return Tsne(dir, $"tsne-{mode}", model.Features, model.Transform, $"{mode} {src}→{tgt}", source, target);
            })));
        }
        var uda = UdaRun(src, tgt);
        tsne.Add(("improved UDA", uda.Tsne));
        return new DirectionParts(src, tgt, runs[0].ImageSize, runs, uda, tsne);
    }

    void TableSection(ReportWriter report, DirectionParts forward, DirectionParts backward)
    {
        var s = o.Size;
        var directions = new[] { forward, backward };
        report.H(2, "4. Domain adaptation: target accuracy (%)");
        static string Row(string mode, bool adaBn) =>
            mode == "mean-teacher" ? (adaBn ? MeanTeacherAdaBnRow : MeanTeacherRow) : adaBn ? mode + " + AdaBN" : mode;
        var table = new AccuracyTable();
        var studyColumns = new[] { "the study: SVHN → MNIST-M (real data)", "the study: MNIST-M → SVHN (real data)" };
        var order = new[] { "source-only", "dann", "source-only + AdaBN", "dann + AdaBN", "target-only", Uda.UdaRun.RowName, MeanTeacherRow, MeanTeacherAdaBnRow };
        foreach (var d in directions)
        {
            var column = $"{d.Source} → {d.Target}";
            var cells = new Dictionary<string, double> { [Uda.UdaRun.RowName] = d.Uda.TargetAccuracy };
            foreach (var r in d.Runs)
            {
                cells[Row(r.Mode, adaBn: false)] = r.TargetAccuracy;
                if (r.TargetAdaBn is { } adapted) cells[Row(r.Mode, adaBn: true)] = adapted;
            }
            foreach (var row in order) if (cells.TryGetValue(row, out var accuracy)) table.Add(row, column, accuracy);
        }
        foreach (var c in studyColumns) table.AddColumn(c);
        foreach (var (row, v) in StudyNumbers) { table.Add(row, studyColumns[0], v.SvhnToMnistM / 100); table.Add(row, studyColumns[1], v.MnistMToSvhn / 100); }
        report.Grid(table.Header("method"), table.Rows());
        report.P($"Reported: {DannTrainer.ReportedName(DannOptions.DefaultAverageFrom)} of each run ({s.DannEpochs} epochs, batch {s.DannBatch}, " +
                 $"{(s.Digits is int n ? $"{n:N0}" : "all")} images per domain before the held-out part; DANN with {DannBatchNorm.ToString().ToLowerInvariant()} batch-norm statistics" +
                 (Recipe.JitterMnistLike ? "; colour jitter on labelled MNIST-M images, never on SVHN's" : "") +
                 (Recipe.SvhnShift > 0 ? $"; labelled SVHN images shifted by up to {Recipe.SvhnShift} pixels each way" : "") + "); " +
                 $"no model selection on target labels. The mean teacher (French et al. 2018) reports its teacher, the student's weights averaged exponentially " +
                 $"(decay 0.99; consistency weight 3 on two views of each target batch, the student's shifted and noisy, the teacher's " +
                 (Recipe.CleanTeacher ? "shifted only" : "shifted and noisy") + $", where the teacher's confidence reaches {MeanTeacherConfidence}; class balance 0.005" +
                 (Recipe.CleanTeacher ? "; the teacher keeps the batch-norm statistics of its own views" : "") +
                 (MeanTeacherAdversarial ? "; with DANN's domain loss added" : "") + $"; {s.DannEpochs} epochs, batch {s.DannBatch}). '+ AdaBN' rows: the same models with batch-norm statistics recalibrated on the target's unlabelled training images. " +
                 $"Evaluation parts: {string.Join("; ", forward.Runs.Concat(backward.Runs).Select(r => r.Evaluation).Distinct())}. " +
                 "The study's columns were measured by the study on real SVHN and MNIST-M, not by this run." + EvaluationNoise(forward, backward));
        // How much SVHN this run had beside what the study had: with 5,000 images SVHN → MNIST-M learns from 6% of the study's source.
        if (RealDigits() is not null && directions.Single(d => d.Source == "svhn").Runs[0].SourceTrainImages is var svhnTrain and > 0)
            report.P($"SVHN here: {svhnTrain:N0} training images from {Path.Combine(DatasetCatalog.ResolveRoot(o.DataRoot), "svhn")} " +
                     $"(evaluation: {directions.Single(d => d.Target == "svhn").Runs[0].Evaluation}); the study trained on SVHN's 73,257 training images " +
                     "and tested on its 26,032 test images" + (svhnTrain < 73_257 ? ", so the SVHN columns are not like for like." : "."));
        foreach (var d in directions)
            report.P(Verdict.Adaptation(d.Source, d.Target, d.Runs.Single(r => r.Mode == "source-only").TargetAccuracy, d.Runs.Single(r => r.Mode == "dann").TargetAccuracy,
                                        d.Runs.Single(r => r.Mode == "target-only").TargetAccuracy, d.Uda.TargetAccuracy,
                                        d.Runs.Single(r => r.Mode == "mean-teacher").TargetAccuracy, d.Runs.Single(r => r.Mode == "mean-teacher").TargetAdaBn,
                                        d.Runs[0].TargetImages));
        foreach (var r in forward.Runs.Concat(backward.Runs).Where(r => r.Collapse is not null))
            report.P($"{Verdict.Flag} {r.Mode} {r.Source} → {r.Target}, {r.Collapse}.");
    }

    /// <summary>
    /// The sentence giving each column's binomial standard error at 50% (its largest): how far one run's accuracies can move by
    /// the draw of the evaluation images alone; empty for parts stored before the counts were recorded.
    /// </summary>
    static string EvaluationNoise(DirectionParts forward, DirectionParts backward)
    {
        var counts = new[] { forward, backward }.Where(d => d.Runs[0].TargetImages > 0)
            .Select(d => string.Create(CultureInfo.InvariantCulture, $"±{100 * Verdict.StandardError(0.5, d.Runs[0].TargetImages):F1} points for {d.Source} → {d.Target} ({d.Runs[0].TargetImages:N0} images)")).ToList();
        return counts.Count == 0 ? "" :
            $" Each cell is the share of the target's evaluation images classified correctly; the draw of those images alone gives one run's cell a standard error of up to {string.Join(" and ", counts)}, before any variation between seeds.";
    }

    sealed record UdaPart(string Source, string Target, double TargetAccuracy, double SourceAccuracy, double Seconds, TsnePart Tsne);

    /// <summary>
    /// Trains, evaluates and plots the improved UDA model of one direction in one part, then deletes its checkpoint: ~170 MB that
    /// mostly repeat the pretrained backbone and that no later step reads (an interrupted part keeps it, to resume).
    /// </summary>
    UdaPart UdaRun(string src, string tgt)
    {
        var s = o.Size;
        return Part($"uda-{src}-to-{tgt}", new
        {
            src,
            tgt,
            s.Digits,
            s.UdaSize,
            s.UdaFrozenEpochs,
            s.UdaFineTuneEpochs,
            s.UdaLearningRate,
            s.DannBatch,
            o.Seed,
            DannOptions.DefaultAverageFrom,
            Recipe.UdaTextureBlend,
            s.TsnePoints,
            s.TsneIterations,
            color_jitter = UdaJitter(src)
        }, dir =>
        {
            using var source = DomainData.Load(src, o.DataRoot, s.Digits, 0.1, o.Seed);
            using var target = DomainData.Load(tgt, o.DataRoot, s.Digits, 0.1, o.Seed);
            var options = new Uda.UdaOptions(src, tgt, ImageSize: s.UdaSize, FrozenEpochs: s.UdaFrozenEpochs, FineTuneEpochs: s.UdaFineTuneEpochs, Batch: s.DannBatch,
                     FineTuneLr: s.UdaLearningRate, TextureBlend: Recipe.UdaTextureBlend, ColorJitter: UdaJitter(src), Seed: o.Seed);
            var r = Uda.UdaRun.TrainAndEvaluate(source, target, options, dir, progress, logDir: LogDirOf($"uda-{src}-to-{tgt}"));
            var (model, _, transform) = Uda.UdaRun.LoadModel(r.Checkpoint);
            var tsne = Tsne(dir, "tsne-uda", model.Features, transform, $"improved UDA {src}→{tgt}", source, target);
            File.Delete(r.Checkpoint);
            return new UdaPart(src, tgt, r.Target.Accuracy, r.Source.Accuracy, r.Seconds, tsne);
        });
    }

    void UdaSection(ReportWriter report, DirectionParts forward, DirectionParts backward)
    {
        var s = o.Size;
        report.H(2, "6. Improved UDA");
        report.P($"ImageNet-pretrained ResNet18 (ML.NET's ONNX weights imported into TorchSharp) at {s.UdaSize}x{s.UdaSize}, Adversa's 'reduce' head to the same 800-d latent as DANN (`uda train --head rconv` trains the study's r_conv head instead), " +
                 $"trained adversarially: {s.UdaFrozenEpochs} epochs on cached features of the frozen backbone, then {s.UdaFineTuneEpochs} fine-tuning layer2 to layer4 at a backbone learning rate of {s.UdaLearningRate.ToString("0e0", CultureInfo.InvariantCulture)}; " +
                 (Recipe.UdaTextureBlend > 0 ? $"labelled images texture-blended with probability {Recipe.UdaTextureBlend}" : "no texture blend") +
                 "; colour jitter on labelled MNIST-M images (not on SVHN's).");
        report.Grid(["direction", "target accuracy (%)", "source accuracy (%)", "DANN target accuracy (%)", "the study's UDA (real data)", "training seconds"],
            new[] { forward, backward }.Select(d => new[]
            {
                $"{d.Source} → {d.Target}", F(100 * d.Uda.TargetAccuracy), F(100 * d.Uda.SourceAccuracy), F(100 * d.Runs.Single(r => r.Mode == "dann").TargetAccuracy),
                F(d == forward ? StudyNumbers[Uda.UdaRun.RowName].SvhnToMnistM : StudyNumbers[Uda.UdaRun.RowName].MnistMToSvhn), F(d.Uda.Seconds),
            }));
        foreach (var d in new[] { forward, backward })
            report.P(Verdict.Uda(d.Source, d.Target, d.Uda.TargetAccuracy, d.Uda.SourceAccuracy, d.Runs.Single(r => r.Mode == "dann").TargetAccuracy));
    }

    sealed record TsnePart(string Figure, double Kl, double Trust);

    void TsneSection(ReportWriter report, DirectionParts forward, DirectionParts backward)
    {
        var s = o.Size;
        report.H(2, "5. Latent space (t-SNE)");
        report.P($"Latent features of {s.TsnePoints} evaluation images per domain, embedded in 2-D; left: coloured by domain (adaptation shows as the two " +
                 "domains overlapping), right: by class (the classes should stay apart). Source-only is the 'before' picture.");
        foreach (var d in new[] { forward, backward })
            foreach (var (mode, t) in d.Tsne)
                report.Image(Full(t.Figure), $"{mode} {d.Source}→{d.Target}: by domain (left) and by class (right); KL {F(t.Kl)}, trustworthiness {F(t.Trust)}");
    }

    TsnePart Tsne(string dir, string name, Func<Tensor, Tensor> features, ImageTransform transform, string title, DomainData source, DomainData target)
    {
        var s = o.Size;
        var figure = Path.Combine(dir, $"{name}.png");
        var rep = LatentSpace.Plot(features, transform, source.Eval, target.Eval, s.TsnePoints, figure, title, o.Seed, progress,
                                   new TsneOptions(Iterations: s.TsneIterations, Seed: o.Seed));
        return new TsnePart(Rel(figure), rep.KlDivergence, rep.Trustworthiness);
    }
}
