using Adversa.Reproduce;
using Adversa.Adaptation;
using System.CommandLine;
using System.Globalization;
using Adversa.Common;
using Adversa.Dann;
using Adversa.Training;

namespace Adversa.Cli.Commands;

/// <summary><c>adversa dann train | eval | table | predict | score</c>.</summary>
public static class DannCommands
{
    public static Command Build()
    {
        var dann = new Command("dann", "DANN: domain-adversarial digit classifier, its source-only and target-only baselines, and the accuracy table");
        dann.Subcommands.Add(Train());
        dann.Subcommands.Add(Eval());
        dann.Subcommands.Add(Table());
        dann.Subcommands.Add(Predict());
        dann.Subcommands.Add(Score());
        dann.Subcommands.Add(CheckpointCommand.Export("runs/dann", "dann.pth", "the reported digit classifier (feature extractor, class and domain classifiers)"));
        return dann;
    }

    /// <summary>--average-from, shared with <c>uda train</c>.</summary>
    public static Option<double> AverageFromOption() => new Option<double>("--average-from")
    {
        Description = "Report the weights averaged over the steps after this point of training (0-1; 0.75 = the last quarter; Polyak/SWA averaging): steadier and better than the last epoch's (MNIST -> MNIST-M: 91.2% against 88.7%). 1 = off, report the last epoch's weights",
        DefaultValueFactory = _ => DannOptions.DefaultAverageFrom,
    }.Between(0, 1);

    /// <summary>--target-entropy, shared with <c>uda train</c>.</summary>
    public static Option<double> TargetEntropyOption() => new Option<double>("--target-entropy")
    {
        Description = "Weight of the conditional-entropy loss on target predictions (VADA; 0 = off, the study), ramped in with the reversal schedule",
        DefaultValueFactory = _ => 0.0,
    }.Between(0, 100);

    /// <summary>--color-jitter, shared with <c>uda train</c>.</summary>
    public static Option<bool> ColorJitterOption() => new("--color-jitter")
    {
        Description = "Augment labelled images with a random sign, contrast and brightness per colour channel (a superset of inverting whole channels); helps MNIST-like sources, stops an SVHN source from learning",
    };

    /// <summary>--texture-blend, shared with <c>uda train</c>.</summary>
    public static Option<double> TextureBlendOption() => new Option<double>("--texture-blend")
    {
        Description = "Probability (0-1) of putting each labelled image on a random procedural colour texture as |texture - digit|, the recipe MNIST-M was built with (no target images used); 0 = off",
        DefaultValueFactory = _ => 0,
    }.Between(0, 1);

    /// <summary>--shift, shared with <c>uda train</c>.</summary>
    public static Option<int> ShiftOption() => new Option<int>("--shift")
    {
        Description = "Shift each labelled image by a random whole number of pixels, up to this many each way, the edge repeated into the gap (a standard digit augmentation; no target images used); 0 = off",
        DefaultValueFactory = _ => 0,
    }.Between(0, Adversa.Data.Augment.MaxShift);

    /// <summary>The training options shared by train and table, declared once.</summary>
    sealed class TrainingOptions
    {
        public readonly Option<int> Epochs = CommonOptions.Epochs(10);
        public readonly Option<int> Batch = CommonOptions.Batch(128);
        public readonly Option<string> Optimizer = new Option<string>("--optimizer") { Description = "adam (the study) or sgd with momentum 0.9 (the paper)", DefaultValueFactory = _ => "adam" }.AcceptOnlyFromAmong("adam", "sgd");
        public readonly Option<double> Lr = new Option<double>("--lr") { Description = "Learning rate (mu_0 when annealed)", DefaultValueFactory = _ => 1e-3 }.Above(0);
        public readonly Option<bool> Anneal = new("--lr-anneal") { Description = "Anneal the learning rate as mu_0 / (1 + 10p)^0.75 over training progress p" };
        public readonly Option<double> LambdaMax = new Option<double>("--lambda-max") { Description = "Scale of the reversal schedule lambda_p = max * (2/(1+exp(-10p)) - 1); 1 is the paper's (with SGD); with Adam 1e-3, 1 stalls class learning here, 0.3 does not", DefaultValueFactory = _ => 0.3 }.Between(0, 100);
        public readonly Option<string> BatchNorm = new Option<string>("--bn") { Description = "Batch-norm statistics in DANN mode: joint (source and target in one batch) or separate (one batch per domain)", DefaultValueFactory = _ => "joint" }.AcceptOnlyFromAmong("joint", "separate");
        public readonly Option<double> Holdout = CommonOptions.Holdout("Fraction of a real dataset's training files held out for evaluation when it has no test files");
        public readonly Option<int> Size = new Option<int>("--size") { Description = "Side the images are resized to, 26 to 32; 0 (default) = the larger native side of the pair (32 with SVHN, MNIST-M or a synthetic domain; 28 for MNIST <-> USPS); 28 has 1.3x fewer pixels than 32 and trains ~15% faster", DefaultValueFactory = _ => 0 }.Check(v => v == 0 || v is >= 26 and <= 32, "0 (automatic) or 26 to 32");
        public readonly Option<int> Width = new Option<int>("--width") { Description = "Channels of the first convolution (the second has twice as many): accuracy against speed", DefaultValueFactory = _ => 32 }.AtLeast(1);
        public readonly Option<bool> InstanceNorm = new("--instance-norm") { Description = "Standardise each input image per channel (zero mean, unit variance) before the network, as VADA does: removes each domain's global colour and contrast" };
        public readonly Option<double> TargetEntropy = TargetEntropyOption();
        public readonly Option<bool> IntensityFlip = new("--intensity-flip") { Description = "Augment labelled images by inverting each colour channel with probability 1/2 (French et al. 2018): digits in both polarities, as in MNIST-M and SVHN. Helps single-polarity sources (MNIST -> MNIST-M: 42.9% -> 70.4% at 3 short epochs); hurts SVHN sources" };
        public readonly Option<bool> ColorJitter = ColorJitterOption();
        public readonly Option<double> TextureBlend = TextureBlendOption();
        public readonly Option<int> Shift = ShiftOption();
        public readonly Option<double> PseudoLabel = new Option<double>("--pseudo-label") { Description = "Self-training on the target: cross-entropy against the model's own prediction wherever its confidence reaches this threshold (e.g. 0.95; 0 = off), ramped in with the reversal schedule", DefaultValueFactory = _ => 0.0 }.Between(0, 1);
        public readonly Option<double> PseudoWeight = new Option<double>("--pseudo-weight") { Description = "Weight of the --pseudo-label loss", DefaultValueFactory = _ => 1.0 }.Between(0, 100);
        public readonly Option<double> AverageFrom = AverageFromOption();
        public readonly Option<double> TeacherDecay = new Option<double>("--teacher-decay") { Description = "mean-teacher: the teacher's weights follow the student's as an exponential moving average with this decay per step", DefaultValueFactory = _ => 0.99 }.Check(v => v is >= 0 and < 1, "at least 0 and below 1");
        public readonly Option<double> ConsistencyWeight = new Option<double>("--consistency-weight") { Description = "mean-teacher: weight of the loss that makes the student agree with the teacher on augmented target images", DefaultValueFactory = _ => 3.0 }.Between(0, 1000);
        public readonly Option<double> Confidence = new Option<double>("--confidence") { Description = "mean-teacher: a target image counts only where the teacher's top class probability reaches this (0-1)", DefaultValueFactory = _ => 0.968 }.Between(0, 1);
        public readonly Option<double> ClassBalance = new Option<double>("--class-balance") { Description = "mean-teacher: weight of the loss that keeps the student's average target prediction near uniform (stops collapse onto few classes)", DefaultValueFactory = _ => 0.005 }.Between(0, 100);
        public readonly Option<bool> Adversarial = new("--adversarial") { Description = "mean-teacher: add DANN's domain-adversarial loss (through the reversal layer, --lambda-max) to the student's" };
        public readonly Option<bool> StrongView = new("--strong-view") { Description = "mean-teacher: the student sees a strongly augmented view of each target batch (affine warp, colour jitter, noise) while the teacher keeps the weak one (FixMatch's weak/strong pairing)" };
        public readonly Option<bool> AlignDistribution = new("--align-distribution") { Description = "mean-teacher: divide the teacher's target class probabilities by their batch mean and renormalise (distribution alignment to a uniform prior, as in ReMixMatch/AdaMatch) before the confidence threshold: lifts classes the teacher under-predicts" };
        public readonly Option<bool> CleanTeacher = new("--clean-teacher") { Description = "mean-teacher: the teacher sees target batches shifted but without noise and keeps its own batch-norm statistics (not the average of the student's, made from noisy views of both domains), so they describe the clean target images it is evaluated on" };
        public readonly Option<string> Cache = new Option<string>("--cache") { Description = "Where the decoded training images are kept: memory, or disk (a temporary raw file read back per batch: no decoding, and MNIST-M's 181 MB leave the process's resident memory)", DefaultValueFactory = _ => "memory" }.AcceptOnlyFromAmong("memory", "disk");
        public readonly Option<string?> Root = CommonOptions.DataRoot();
        public readonly Option<int?> Limit = CommonOptions.Limit();
        public readonly Option<long> Seed = CommonOptions.Seed();
        public readonly Option<int?> Threads = CommonOptions.Threads();
        public readonly Option<string> Device = CommonOptions.Device();
        public Option[] All => [Epochs, Batch, Optimizer, Lr, Anneal, LambdaMax, BatchNorm, Holdout, Size, Width, InstanceNorm, TargetEntropy, IntensityFlip, ColorJitter, TextureBlend, Shift, PseudoLabel, PseudoWeight, AverageFrom, TeacherDecay, ConsistencyWeight, Confidence, ClassBalance, Adversarial, StrongView, AlignDistribution, CleanTeacher, Cache, Root, Limit, Seed, Threads, Device];

        public DannOptions Read(ParseResult p, string source, string target, AdaptationMethod mode) => new(
            source, target, mode,
            Epochs: p.GetValue(Epochs), Batch: p.GetValue(Batch), Optimizer: p.GetValue(Optimizer)!, LearningRate: p.GetValue(Lr), AnnealLearningRate: p.GetValue(Anneal),
            LambdaMax: p.GetValue(LambdaMax), BatchNorm: p.GetValue(BatchNorm) == "separate" ? BatchNormMode.Separate : BatchNormMode.Joint,
            Holdout: p.GetValue(Holdout), Width: p.GetValue(Width), Seed: p.GetValue(Seed), InstanceNorm: p.GetValue(InstanceNorm),
            TargetEntropy: p.GetValue(TargetEntropy), IntensityFlip: p.GetValue(IntensityFlip), PseudoLabel: p.GetValue(PseudoLabel), PseudoLabelWeight: p.GetValue(PseudoWeight),
            ColorJitter: p.GetValue(ColorJitter), TextureBlend: p.GetValue(TextureBlend), Shift: p.GetValue(Shift), ImageSize: p.GetValue(Size), AverageFrom: p.GetValue(AverageFrom),
            TeacherDecay: p.GetValue(TeacherDecay), ConsistencyWeight: p.GetValue(ConsistencyWeight), Confidence: p.GetValue(Confidence), ClassBalance: p.GetValue(ClassBalance), Adversarial: p.GetValue(Adversarial),
            StrongView: p.GetValue(StrongView), AlignDistribution: p.GetValue(AlignDistribution), CleanTeacher: p.GetValue(CleanTeacher));

        public DomainData Load(ParseResult p, string name) => DomainData.Load(name, p.GetValue(Root), p.GetValue(Limit), p.GetValue(Holdout), p.GetValue(Seed), p.GetValue(Cache) == "disk");
    }

    static Command Train()
    {
        var t = new TrainingOptions();
        var source = new Option<string>("--source", "-s") { Description = "Labelled source domain", DefaultValueFactory = _ => "synth-svhn" };
        var target = new Option<string>("--target", "-t") { Description = "Target domain (unlabelled in dann mode)", DefaultValueFactory = _ => "synth-mnistm" };
        var mode = new Option<string>("--mode", "-m") { Description = "source-only, dann, target-only (the upper bound), or mean-teacher (self-ensembling, French et al. 2018: beyond the study)", DefaultValueFactory = _ => "dann" }
            .AcceptOnlyFromAmong(AdaptationMethods.Names);
        var output = CommonOptions.Out("runs/dann", "Run folder: checkpoint.zip, loss.png, result.json");
        var resume = new Option<bool>("--resume") { Description = "Continue from <out>/checkpoint.zip exactly where it stopped" };
        var logdir = new Option<string?>("--logdir") { Description = "Also write TensorBoard scalars to this folder" };
        var cmd = new Command("train", "Train one model (source-only, DANN or target-only) and report its target accuracy (of the weights averaged over the last quarter of training by default; --average-from 1: the last epoch's)")
            .With([source, target, mode, .. t.All, output, resume, logdir]);
        cmd.SetAction(p =>
        {
            CommonOptions.Configure(p, t.Threads, t.Seed, t.Device);
            var dir = p.GetValue(output)!;
            using var runLock = RunLock.Acquire(dir);
            using var src = t.Load(p, p.GetValue(source)!);
            using var tgt = t.Load(p, p.GetValue(target)!);
            var options = t.Read(p, src.Name, tgt.Name, AdaptationMethods.Parse(p.GetValue(mode)!));
            var trainer = new DannTrainer(src, tgt, options);
            var o = p.InvocationConfiguration.Output;
            o.WriteLine($"{AdaptationMethods.Name(options.Mode)} {src.Name} -> {tgt.Name}: {src.Train.Count:N0} source / {tgt.Train.Count:N0} target training images at {trainer.Model.ImageSize}x{trainer.Model.ImageSize}; evaluation on {tgt.EvalDescription}");
            int code = LoopRunner.Run(trainer, new LoopOptions(options.Epochs, dir, p.GetValue(resume), 10, p.GetValue(logdir)), o);
            if (code != 0) return code;
            var tr = DannRun.Evaluate(trainer.Reported, tgt.Eval);
            var sr = DannRun.Evaluate(trainer.Reported, src.Eval);
            var selection = DannTrainer.ReportedName(trainer.Options);
            if (trainer.CheckCollapse() is { } collapse) o.WriteLine(collapse);
            o.WriteLine($"target {tr.Describe()}");
            o.WriteLine($"source {sr.Describe()}");
            o.WriteLine($"model: {selection} (no selection on target labels)");
            Json.Write(Path.Combine(dir, "result.json"), new { options = trainer.Options, target = tr, source = sr, selection, warning = trainer.Collapse });
            return 0;
        });
        return cmd;
    }

    static Command Eval() => DigitEvaluation.Command("runs/dann", "Accuracy and per-class accuracy of a trained DANN, baseline or mean-teacher model on a domain (default: its target, held-out part and seed as recorded)", c =>
    {
        var (model, options) = DannRun.LoadModel(c);
        return new DigitModel(model, model.Transform, options.Target, options.Holdout, options.Seed);
    });

    static Command Table()
    {
        var t = new TrainingOptions();
        var pairs = new Option<string[]>("--pair", "-p") { Description = "SOURCE:TARGET pair; repeat for several (default: synth-svhn:synth-mnistm and back)" };
        string[] defaultModes = ["source-only", "dann", "target-only", "uda"];
        var modes = new Option<string[]>("--modes") { Description = $"Rows to compute, space-separated: source-only, dann, target-only, uda (the improved UDA model on the pretrained ResNet18), mean-teacher (self-ensembling, beyond the study); default: {string.Join(" ", defaultModes)}", HelpName = "mode", AllowMultipleArgumentsPerToken = true }
            .AcceptOnlyFromAmong([.. AdaptationMethods.Names, "uda"]);
        var udaFrozen = new Option<int>("--uda-frozen-epochs") { Description = "UDA row: epochs on cached features of the frozen backbone", DefaultValueFactory = _ => 2 }.AtLeast(0);
        var udaFineTune = new Option<int>("--uda-finetune-epochs") { Description = "UDA row: epochs fine-tuning the top three backbone stages (lr 2e-4) after the frozen ones", DefaultValueFactory = _ => 10 }.AtLeast(0);
        var udaSize = new Option<int>("--uda-size") { Description = "UDA row: side the digits are resized to for the backbone", DefaultValueFactory = _ => 32 }.Between(32, 512);
        var output = CommonOptions.Out("runs/dann-table", "Folder: table.md, table.csv, one run folder per pair and mode (a run finished with the same settings is reused; one with other settings is trained again)");
        var adabn = new Option<bool>("--adabn") { Description = "Add rows with batch norm recalibrated on the target's unlabelled images (AdaBN) for source-only and DANN" };
        var force = new Option<bool>("--force") { Description = "Train every run again, even one finished with the same settings (a run whose recorded settings differ from this command's is always trained again)" };
        var logdir = new Option<string?>("--logdir") { Description = "Also write TensorBoard scalars, one folder per pair and row (LOGDIR/SOURCE_to_TARGET/MODE)" };
        var cmd = new Command("table", "Run source-only, DANN and target-only for each pair and write the study's accuracy table (Markdown + CSV)")
            .With([pairs, modes, adabn, force, logdir, udaFrozen, udaFineTune, udaSize, .. t.All, output]);
        string[] Modes(ParseResult p) => p.GetValue(modes) is { Length: > 0 } chosen ? chosen : defaultModes;
        cmd.SetAction(p =>
        {
            CommonOptions.Configure(p, t.Threads, t.Seed, t.Device);
            var dir = p.GetValue(output)!;
            var list = p.GetValue(pairs) is { Length: > 0 } given ? given : ["synth-svhn:synth-mnistm", "synth-mnistm:synth-svhn"];
            foreach (var pair in list)
                if (pair.Split(':') is not [{ Length: > 0 }, { Length: > 0 }]) throw new AdversaException($"--pair must be SOURCE:TARGET, got '{pair}'");
            var o = p.InvocationConfiguration.Output;
            var options = new DigitTableOptions(list.Select(pair => pair.Split(':')).Select(x => (x[0], x[1])).ToList(), Modes(p), dir,
                                                AdaBn: p.GetValue(adabn), Force: p.GetValue(force), LogDir: p.GetValue(logdir));
            var table = DigitTable.Run(options, name => t.Load(p, name), (s, g, mode) => t.Read(p, s, g, mode),
                (s, g) => new Uda.UdaOptions(s, g, ImageSize: p.GetValue(udaSize), FrozenEpochs: p.GetValue(udaFrozen), FineTuneEpochs: p.GetValue(udaFineTune),
                                             Batch: p.GetValue(t.Batch), LambdaMax: p.GetValue(t.LambdaMax), Holdout: p.GetValue(t.Holdout), Seed: p.GetValue(t.Seed),
                                             AverageFrom: p.GetValue(t.AverageFrom), ColorJitter: p.GetValue(t.ColorJitter), TextureBlend: p.GetValue(t.TextureBlend), Shift: p.GetValue(t.Shift)),
                Cli.Progress(), o.WriteLine);
            o.WriteLine();
            o.Write(table.ToMarkdown());
            var teacher = Modes(p).Contains("mean-teacher") ? $"; mean-teacher: {DannTrainer.ReportedName(t.Read(p, "", "", AdaptationMethod.MeanTeacher))}" : "";
            o.WriteLine($"(target accuracy with {DannTrainer.ReportedName(p.GetValue(t.AverageFrom))}{teacher} on each target's evaluation part; wrote {Path.Combine(dir, "table.md")} and table.csv)");
            return 0;
        });
        return cmd;
    }

    static Command Predict() => DigitPredictions.Command("runs/dann", c =>
    {
        var (model, _) = DannRun.LoadModel(c);
        return (model.forward, model.Transform);
    });

    static Command Score()
    {
        var predicted = new Argument<string>("predictions") { Description = "CSV image_name,label from predict" };
        var truth = new Argument<string>("truth") { Description = "CSV image_name,label with the true labels" };
        var cmd = new Command("score", "Accuracy of a predictions CSV against a ground-truth CSV (matched by image name)");
        cmd.Arguments.Add(predicted);
        cmd.Arguments.Add(truth);
        cmd.SetAction(p =>
        {
            var (correct, total) = Predictions.Score(p.GetValue(predicted)!, p.GetValue(truth)!);
            p.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy {100.0 * correct / total:F2}% ({correct}/{total})"));
            return 0;
        });
        return cmd;
    }
}
