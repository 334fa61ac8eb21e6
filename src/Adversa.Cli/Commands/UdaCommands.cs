using Adversa.Adaptation;
using System.CommandLine;
using Adversa.Common;
using Adversa.Dann;
using Adversa.Uda;

namespace Adversa.Cli.Commands;

/// <summary><c>adversa uda train | eval | predict</c>: the improved UDA model on a pretrained ResNet backbone.</summary>
public static class UdaCommands
{
    public static Command Build()
    {
        var uda = new Command("uda", "Improved UDA: DANN's adversarial scheme on an ImageNet-pretrained ResNet backbone (frozen with cached features, then fine-tuned)");
        uda.Subcommands.Add(Train());
        uda.Subcommands.Add(Eval());
        uda.Subcommands.Add(Predict());
        uda.Subcommands.Add(CheckpointCommand.Export("runs/uda", "uda.pth", "the reported model (torchvision-style ResNet backbone, head, class and domain classifiers)"));
        return uda;
    }

    static Command Train()
    {
        var source = new Option<string>("--source", "-s") { Description = "Labelled source domain", DefaultValueFactory = _ => "synth-svhn" };
        var target = new Option<string>("--target", "-t") { Description = "Target domain (unlabelled in dann mode)", DefaultValueFactory = _ => "synth-mnistm" };
        var mode = new Option<string>("--mode", "-m") { Description = "dann (adversarial), source-only (same backbone, no adaptation) or target-only (upper bound)", DefaultValueFactory = _ => "dann" }
            .AcceptOnlyFromAmong("source-only", "dann", "target-only");
        var backbone = new Option<string>("--backbone") { Description = $"Pretrained backbone when no --backbone-weights is given: {UdaBackbone.DefaultName} (ML.NET's ONNX ImageNet ResNet18, shipped offline)", DefaultValueFactory = _ => UdaBackbone.DefaultName }
            .AcceptOnlyFromAmong(UdaBackbone.DefaultName);
        var weights = new Option<string?>("--backbone-weights") { Description = "A torchvision ResNet state_dict (.pth, e.g. torch.save(resnet34(weights=...).state_dict(), f)) to use instead; inputs then use ImageNet mean/std" };
        var arch = new Option<string>("--arch") { Description = "Architecture of --backbone-weights: resnet18, resnet34 (the study's) or resnet50 (2048-channel layer4 map)", DefaultValueFactory = _ => "resnet18" }.AcceptOnlyFromAmong(Backbones.ResNet.TorchvisionArchitectures);
        var size = new Option<int>("--size") { Description = "Side the digits are resized to before the backbone (32: 1x1 layer4 map, fastest, and with 3 fine-tuned stages the most accurate measured; 64: 2x2 map)", DefaultValueFactory = _ => 32 }.Between(32, 512);
        var meanImage = new Option<bool>("--mean-image") { Description = $"Built-in backbone: subtract its package's 224x224 mean image, resized to --size, as its own preprocessing graph does, instead of that image's channel means (B/G/R 103.06/115.90/123.15, the default)" };
        var head = new Option<string>("--head") { Description = "Head from the layer4 map to the 800-d latent: reduce (1x1 conv to 128 channels, upsampled to 4x4, 3x3 conv to 50; the default) or rconv (the study's transposed convolutions 512→256→128→64, pooled to 4x4, 3x3 conv to 50)", DefaultValueFactory = _ => "reduce" }
            .AcceptOnlyFromAmong("reduce", "rconv");
        var gray = new Option<bool>("--grayscale") { Description = "Average the colour channels of both domains before the backbone (colour is MNIST-M's most obvious domain cue)" };
        var epochs = CommonOptions.Epochs(12);
        var frozen = new Option<int>("--frozen-epochs") { Description = "How many of --epochs train only the head and classifiers (the remaining epochs also fine-tune the top --finetune-stages backbone stages)", DefaultValueFactory = _ => 2 }.AtLeast(0);
        var stages = new Option<int>("--finetune-stages") { Description = "Backbone stages fine-tuned after the frozen phase, from layer4 down (1 = layer4 only, 3 = layer2 to layer4, 4 = every stage; the stem never trains). The stages below are computed once and cached", DefaultValueFactory = _ => 3 }.Between(1, 4);
        var batch = CommonOptions.Batch(128);
        var headLr = new Option<double>("--head-lr") { Description = "Adam learning rate of the head and classifiers (both phases)", DefaultValueFactory = _ => 1e-3 }.Above(0);
        var lr = new Option<double>("--lr") { Description = "Adam learning rate of the backbone once it is unfrozen (the study: 2e-4)", DefaultValueFactory = _ => 2e-4 }.Above(0);
        var decayAfter = new Option<int>("--decay-after") { Description = "Fine-tuning epochs after which both rates are multiplied by 0.1; 0 = never (the study: 3)", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var lambdaMax = new Option<double>("--lambda-max") { Description = "Scale of the reversal schedule lambda_p = max * (2/(1+exp(-10p)) - 1)", DefaultValueFactory = _ => 0.3 }.Between(0, 100);
        var entropy = DannCommands.TargetEntropyOption();
        var average = DannCommands.AverageFromOption();
        var (jitter, texture, shift) = (DannCommands.ColorJitterOption(), DannCommands.TextureBlendOption(), DannCommands.ShiftOption());
        var holdout = CommonOptions.Holdout("Fraction of a real dataset's training files held out for evaluation when it has no test files");
        var (root, limit, seed, threads, device) = (CommonOptions.DataRoot(), CommonOptions.Limit(), CommonOptions.Seed(), CommonOptions.Threads(), CommonOptions.Device());
        var output = CommonOptions.Out("runs/uda", "Run folder: checkpoint.zip, loss.png, result.json");
        var resume = new Option<bool>("--resume") { Description = "Continue from <out>/checkpoint.zip exactly where it stopped" };
        var logdir = new Option<string?>("--logdir") { Description = "Also write TensorBoard scalars to this folder" };
        var cmd = new Command("train", "Train the improved UDA model and report its target accuracy (of the weights averaged over the last quarter of training by default; --average-from 1: the last epoch's)")
            .With(source, target, mode, backbone, weights, arch, size, meanImage, head, gray, epochs, frozen, stages, batch, headLr, lr, decayAfter, lambdaMax, entropy, average, jitter, texture, shift, holdout, root, limit, seed, threads, device, output, resume, logdir);
        cmd.SetAction(p =>
        {
            CommonOptions.Configure(p, threads, seed, device);
            int total = p.GetValue(epochs), frozenEpochs = Math.Min(p.GetValue(frozen), total);
            var options = new UdaOptions(p.GetValue(source)!, p.GetValue(target)!, AdaptationMethods.Parse(p.GetValue(mode)!),
                BackboneWeights: p.GetValue(weights), Arch: p.GetValue(arch)!, ImageSize: p.GetValue(size),
                FrozenEpochs: frozenEpochs, FineTuneEpochs: total - frozenEpochs, Batch: p.GetValue(batch), HeadLr: p.GetValue(headLr),
                FineTuneLr: p.GetValue(lr), DecayAfter: p.GetValue(decayAfter), DecayFactor: 0.1, LambdaMax: p.GetValue(lambdaMax),
                Holdout: p.GetValue(holdout), Seed: p.GetValue(seed), Grayscale: p.GetValue(gray), TopStages: p.GetValue(stages),
                TargetEntropy: p.GetValue(entropy), AverageFrom: p.GetValue(average), ColorJitter: p.GetValue(jitter),
                TextureBlend: p.GetValue(texture), Shift: p.GetValue(shift), MeanImage: p.GetValue(meanImage),
                Head: p.GetValue(head) == "rconv" ? UdaHead.Rconv : UdaHead.Reduce).Validate();
            var dir = p.GetValue(output)!;
            using var runLock = Training.RunLock.Acquire(dir);
            using var src = DomainData.Load(options.Source, p.GetValue(root), p.GetValue(limit), options.Holdout, options.Seed);
            using var tgt = DomainData.Load(options.Target, p.GetValue(root), p.GetValue(limit), options.Holdout, options.Seed);
            var o = p.InvocationConfiguration.Output;
            o.WriteLine($"improved UDA ({AdaptationMethods.Name(options.Mode)}) {src.Name} -> {tgt.Name} on {options.Backbone.Describe()}{(options.MeanImage ? " (mean image instead of channel means)" : "")}, input {options.ImageSize}x{options.ImageSize}, {(options.Head == UdaHead.Rconv ? "the study's r_conv head" : "reduce head")}: " +
                        $"{options.FrozenEpochs} frozen + {options.FineTuneEpochs} fine-tuning epochs (top {options.TopStages} stage(s)){Augmentation(options)}; {src.Train.Count:N0} source / {tgt.Train.Count:N0} target training images; evaluation on {tgt.EvalDescription}");
            using var trainer = new UdaTrainer(src, tgt, options, Cli.Progress());
            int code = LoopRunner.Run(trainer, new Training.LoopOptions(options.Epochs, dir, p.GetValue(resume), 10, p.GetValue(logdir)), o);
            if (code != 0) return code;
            var tr = trainer.Evaluate(tgt);
            var sr = trainer.Evaluate(src);
            o.WriteLine($"target {tr.Describe()}");
            o.WriteLine($"source {sr.Describe()}");
            var selection = DannTrainer.ReportedName(options.AverageFrom);
            o.WriteLine($"model: {selection} (no selection on target labels)");
            Json.Write(Path.Combine(dir, "result.json"), new { options, target = tr, source = sr, selection });
            return 0;
        });
        return cmd;
    }

    static string Augmentation(UdaOptions o) => !o.Augments ? ""
        : $", labelled images augmented ({string.Join(", ", new[] { o.TextureBlend > 0 ? $"texture blend p={o.TextureBlend}" : null, o.ColorJitter ? "colour jitter" : null, o.Shift > 0 ? $"shift up to {o.Shift} px" : null }.OfType<string>())}; their bottom maps computed per step)";

    static Command Eval() => DigitEvaluation.Command("runs/uda", "Accuracy and per-class accuracy of a trained UDA model on a domain (default: its target, held-out part and seed as recorded)", c =>
    {
        var (model, options, transform) = UdaRun.LoadModel(c);
        return new DigitModel(model, transform, options.Target, options.Holdout, options.Seed);
    });

    static Command Predict() => DigitPredictions.Command("runs/uda", c =>
    {
        var (model, _, transform) = UdaRun.LoadModel(c);
        return (model.forward, transform);
    });
}
