using Adversa.Common;
using System.CommandLine;
using System.Diagnostics;
using Adversa.Reproduce;

namespace Adversa.Cli.Commands;

/// <summary><c>adversa reproduce</c>: the whole study in one command.</summary>
public static class ReproduceCommand
{
    public static Command Build()
    {
        var output = CommonOptions.Out("report", "Report folder: index.md, index.html (self-contained), parts/ with every run");
        var root = CommonOptions.DataRoot();
        var size = new Option<string>("--size") { Description = "tiny (seconds; tests), quick (default: the main job, about 14 minutes on 2 AMD EPYC cores), real (the study on CelebA, SVHN and MNIST-M: needs --data-root; sized for 3 hours on 2 cores) or full (the study's epoch counts and sample sizes: many hours on a CPU)", DefaultValueFactory = _ => "quick" }
            .AcceptOnlyFromAmong("tiny", "quick", "real", "full");
        var force = new Option<bool>("--force") { Description = "Recompute every part even if its settings are unchanged" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Parts of the study run at once, each in its own process with one thread (2 keeps a 2-core machine busy; 1: everything in this process)", DefaultValueFactory = _ => 2 }
            .AtLeast(1);
        var part = new Option<string?>("--part") { Description = "Run only this part (faces-dcgan, faces-acgan, pair-1, pair-2) and write no report: what each process of --jobs runs", Hidden = true };
        var started = new Option<DateTime?>("--started") { Description = "When the whole run began (UTC), passed to the part processes", Hidden = true };
        var logdir = new Option<string?>("--logdir") { Description = "Also write TensorBoard scalars (and GAN sample grids) of every training run, one folder per part (LOGDIR/dcgan, LOGDIR/dann-svhn-to-mnistm-dann, ...)" };
        var (seed, threads) = (CommonOptions.Seed(), CommonOptions.Threads());
        var cmd = new Command("reproduce", "Run all problems (DCGAN, ACGAN, DANN table with UDA, t-SNE) and write the study report; a rerun reuses finished parts and resumes an interrupted one")
            .With(output, root, size, force, jobs, part, started, logdir, seed, threads);
        cmd.SetAction(p =>
        {
            Runtime.Configure(p.GetValue(threads), p.GetValue(seed));
            var studySize = StudySize.Parse(p.GetValue(size)!);
            var (dir, dataRoot, startedUtc) = (p.GetValue(output)!, p.GetValue(root), p.GetValue(started) ?? DateTime.UtcNow);
            ProcessStartInfo Child(string chunk)
            {
                // The same program, as it was started (an apphost, or `dotnet Adversa.Cli.dll`), one thread per part.
                var self = typeof(ReproduceCommand).Assembly.Location;
                var host = Environment.ProcessPath!;
                var start = new ProcessStartInfo(host) { UseShellExecute = false };
                if (Path.GetFileNameWithoutExtension(host) != Path.GetFileNameWithoutExtension(self)) start.ArgumentList.Add(self);
                foreach (var a in (string[])["reproduce", "--out", Path.GetFullPath(dir), "--size", studySize.Name, "--seed", p.GetValue(seed).ToString(),
                                             "--threads", "1", "--part", chunk, "--started", startedUtc.ToString("O")])
                    start.ArgumentList.Add(a);
                if (dataRoot is not null) { start.ArgumentList.Add("--data-root"); start.ArgumentList.Add(Path.GetFullPath(dataRoot)); }
                if (p.GetValue(force)) start.ArgumentList.Add("--force");
                if (p.GetValue(logdir) is { } log) { start.ArgumentList.Add("--logdir"); start.ArgumentList.Add(Path.GetFullPath(log)); }
                return start;
            }
            var options = new StudyOptions(dir, studySize, dataRoot, p.GetValue(force), p.GetValue(seed), p.GetValue(jobs), p.GetValue(part), Child, startedUtc, p.GetValue(logdir));
            new Study(options, Cli.Progress()).Run();
            if (options.Only is null) p.InvocationConfiguration.Output.WriteLine($"wrote {Path.Combine(dir, "index.md")} and index.html");
            return 0;
        });
        return cmd;
    }
}
