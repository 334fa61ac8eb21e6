using System.CommandLine;
using Adversa.Reproduce;
using Adversa.Training;

namespace Adversa.Cli.Commands;

/// <summary><c>adversa reproduce</c>: the whole study in one command.</summary>
public static class ReproduceCommand
{
    public static Command Build()
    {
        var output = CommonOptions.Out("report", "Report folder: index.md, index.html (self-contained), parts/ with every run");
        var root = CommonOptions.DataRoot();
        var full = new Option<bool>("--full") { Description = "The study's epoch counts and sample sizes (hours on a CPU)" };
        var size = new Option<string>("--size") { Description = "tiny (seconds; tests), quick (default, ~13 minutes on 2 cores) or full", DefaultValueFactory = _ => "quick" }
            .AcceptOnlyFromAmong("tiny", "quick", "full");
        var force = new Option<bool>("--force") { Description = "Recompute every part even if its settings are unchanged" };
        var (seed, threads) = (CommonOptions.Seed(), CommonOptions.Threads());
        var cmd = new Command("reproduce", "Run all problems (DCGAN, ACGAN, DANN table, t-SNE) and write the study report; a rerun reuses finished parts")
            .With(output, root, full, size, force, seed, threads);
        cmd.SetAction(p =>
        {
            Runtime.Configure(p.GetValue(threads), p.GetValue(seed));
            var studySize = p.GetValue(full) ? StudySize.Full : StudySize.Parse(p.GetValue(size)!);
            var dataRoot = p.GetValue(root);
            var study = new Study(new StudyOptions(p.GetValue(output)!, studySize, dataRoot, p.GetValue(force), p.GetValue(seed)), Cli.Progress());
            study.Run();
            var o = p.InvocationConfiguration.Output;
            o.WriteLine($"wrote {Path.Combine(p.GetValue(output)!, "index.md")} and index.html");
            return 0;
        });
        return cmd;
    }
}
