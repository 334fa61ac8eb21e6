using Adversa.Common;
using Adversa.Tsne;
using Adversa.Adaptation;
using System.CommandLine;
using Adversa.Dann;
using Adversa.Training;

namespace Adversa.Cli.Commands;

/// <summary><c>adversa tsne</c>: the latent space of a trained DANN (or baseline) model, by domain and by class.</summary>
public static class TsneCommand
{
    public static Command Build()
    {
        var checkpoint = GanCommands.CheckpointOption("runs/dann");
        var source = new Option<string?>("--source", "-s") { Description = "Source domain (default: the model's)" };
        var target = new Option<string?>("--target", "-t") { Description = "Target domain (default: the model's)" };
        var count = new Option<int>("--count", "-n") { Description = "Evaluation images per domain", DefaultValueFactory = _ => 1000 }.AtLeast(5);
        var perplexity = new Option<double>("--perplexity") { Description = "t-SNE perplexity", DefaultValueFactory = _ => 30 }.Above(0);
        var iterations = new Option<int>("--iterations") { Description = "t-SNE iterations", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        var (root, limit, seed, threads) = (CommonOptions.DataRoot(), CommonOptions.Limit(), CommonOptions.Seed(), CommonOptions.Threads());
        var output = CommonOptions.Out("tsne.png", "Figure to write; the 2-D points go to the same name with .csv");
        var cmd = new Command("tsne", "t-SNE of a DANN, baseline or UDA model's latent features for both domains, plotted by domain and by class (+ CSV of the points)")
            .With(checkpoint, source, target, count, perplexity, iterations, root, limit, output, seed, threads);
        cmd.SetAction(p =>
        {
            Runtime.Configure(p.GetValue(threads), p.GetValue(seed));
            Common.OutputPath.CheckFile(p.GetValue(output)!);
            // A DANN/baseline checkpoint or an improved-UDA one: both give 800-d latent features.
            var path = p.GetValue(checkpoint)!;
            Func<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> features;
            Data.ImageTransform transform;
            string sourceName, targetName, title;
            double holdout;
            long dataSeed;
            if ((string?)Checkpoint.ReadMeta(path, Dann.DannTrainer.Kind, Uda.UdaTrainer.Kind)["kind"] == Uda.UdaTrainer.Kind)
            {
                var (model, options, t) = Uda.UdaRun.LoadModel(path);
                (features, transform, sourceName, targetName, holdout, dataSeed) = (model.Features, t, options.Source, options.Target, options.Holdout, options.Seed);
                title = $"improved UDA ({AdaptationMethods.Name(options.Mode)})";
            }
            else
            {
                var (model, options) = DannRun.LoadModel(path);
                (features, transform, sourceName, targetName, holdout, dataSeed) = (model.Features, model.Transform, options.Source, options.Target, options.Holdout, options.Seed);
                title = AdaptationMethods.Name(options.Mode);
            }
            using var src = DomainData.Load(p.GetValue(source) ?? sourceName, p.GetValue(root), p.GetValue(limit), holdout, dataSeed);
            using var tgt = DomainData.Load(p.GetValue(target) ?? targetName, p.GetValue(root), p.GetValue(limit), holdout, dataSeed);
            var report = LatentSpace.Plot(features, transform, src.Eval, tgt.Eval, p.GetValue(count), p.GetValue(output)!,
                $"{title} {src.Name}→{tgt.Name}", p.GetValue(seed), Cli.Progress(),
                new TsneOptions(p.GetValue(perplexity), p.GetValue(iterations), Seed: p.GetValue(seed)));
            p.InvocationConfiguration.Output.WriteLine(
                $"t-SNE of {report.PointsPerDomain} evaluation images per domain: KL {report.KlDivergence:F3}, trustworthiness(k=5) {report.Trustworthiness:F3}, {report.Seconds:F1} s; wrote {report.Figure} and {report.Csv}");
            return 0;
        });
        return cmd;
    }
}
