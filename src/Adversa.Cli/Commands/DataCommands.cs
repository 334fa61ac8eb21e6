using System.CommandLine;
using System.Diagnostics;
using Adversa.Common;
using Adversa.Data;
using Adversa.Plots;
using static TorchSharp.torch;

namespace Adversa.Cli.Commands;

/// <summary><c>adversa data list | info | preview | download</c>.</summary>
public static class DataCommands
{
    public static Command Build()
    {
        var data = new Command("data", "List, inspect, preview and download datasets");
        data.Subcommands.Add(List());
        data.Subcommands.Add(Info());
        data.Subcommands.Add(Preview());
        data.Subcommands.Add(Download());
        return data;
    }

    static Argument<string> NameArgument() => new("name")
    {
        Description = "Dataset: " + string.Join(", ", DatasetCatalog.All.Select(d => d.Name)),
    };

    static Option<string> Split() => new Option<string>("--split")
    {
        Description = "Which split to read",
        DefaultValueFactory = _ => "train",
    }.AcceptOnlyFromAmong("train", "test", "valid", "all");

    static Command List()
    {
        var cmd = new Command("list", "List the datasets Adversa can read, with their supported layouts");
        cmd.SetAction(p =>
        {
            var o = p.InvocationConfiguration.Output;
            foreach (var d in DatasetCatalog.All)
            {
                o.WriteLine($"{d.Name,-13} {d.Kind,-6} {d.Description}");
                o.WriteLine($"{"",-13} {"",-6} layout: {d.Layouts}{(d.Synthetic ? "" : $" (folder <data-root>/{d.Folder})")}");
            }
            return 0;
        });
        return cmd;
    }

    static Command Info()
    {
        var name = NameArgument();
        var (split, limit, root, seed) = (Split(), CommonOptions.Limit(), CommonOptions.DataRoot(), CommonOptions.Seed());
        var cmd = new Command("info", "Load a dataset and print its size, image geometry, class or attribute balance and load time").With(split, limit, root, seed);
        cmd.Arguments.Add(name);
        cmd.SetAction(p =>
        {
            var o = p.InvocationConfiguration.Output;
            var sw = Stopwatch.StartNew();
            using var set = DatasetCatalog.Load(new DatasetRequest(p.GetValue(name)!, p.GetValue(split)!, p.GetValue(limit), p.GetValue(root), p.GetValue(seed)));
            o.WriteLine($"{set.Name}: {set.Count:N0} images, {set.Channels}x{set.Height}x{set.Width} uint8, {set.SizeInBytes / 1e6:F1} MB in memory, loaded in {sw.Elapsed.TotalSeconds:F2} s");
            if (set.Labels is not null)
                o.WriteLine($"class counts 0-{set.NumClasses - 1}: {string.Join(' ', set.ClassCounts())}");
            if (set.Attributes is not null)
            {
                using var positive = set.Attributes.sum(dim: 0);
                var counts = positive.data<float>().ToArray();
                for (int i = 0; i < counts.Length; i++)
                    o.WriteLine($"  {set.AttributeNames[i],-22} {counts[i],7:N0} positive ({100.0 * counts[i] / set.Count:F1}%)");
            }
            return 0;
        });
        return cmd;
    }

    static Command Preview()
    {
        var name = NameArgument();
        var (split, root, seed) = (Split(), CommonOptions.DataRoot(), CommonOptions.Seed());
        var output = CommonOptions.Out("preview.png", "PNG file to write");
        var count = new Option<int>("--count", "-n") { Description = "Number of images in the grid", DefaultValueFactory = _ => 32 }.AtLeast(1);
        var columns = new Option<int>("--columns") { Description = "Images per row", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var attributes = new Option<string[]>("--attribute", "-a") { Description = "Faces: label each image with these attributes, on or off (e.g. --attribute Smiling); default: its first three attributes that are on", AllowMultipleArgumentsPerToken = true };
        var cmd = new Command("preview", "Write a grid of sample images with their labels (or attributes) as a PNG").With(split, root, seed, output, count, columns, attributes);
        cmd.Arguments.Add(name);
        cmd.SetAction(p =>
        {
            int n = p.GetValue(count);
            OutputPath.CheckFile(p.GetValue(output)!);
            var request = new DatasetRequest(p.GetValue(name)!, p.GetValue(split)!, null, p.GetValue(root), p.GetValue(seed));
            if (DatasetCatalog.Info(request.Name).Synthetic) request = request with { Limit = n };
            using var set = DatasetCatalog.Load(request);
            using var g = new Generator((ulong)p.GetValue(seed));
            using var pick = randperm(set.Count, generator: g).narrow(0, 0, Math.Min(n, set.Count)).sort().Values;
            using var sample = set.Select(pick);
            var wanted = p.GetValue(attributes) ?? [];
            foreach (var a in wanted)
                if (!sample.AttributeNames.Contains(a))
                    throw new AdversaException($"--attribute {a}: {set.Name} has {(sample.AttributeNames.Count == 0 ? "no attributes" : $"no such attribute; it has {string.Join(", ", sample.AttributeNames)}")}");
            var labels = Enumerable.Range(0, sample.Count).Select(i => Describe(sample, i, wanted)).ToList();
            var path = p.GetValue(output)!;
            ImageGrid.SaveLabelled(path, sample.Images, labels, p.GetValue(columns), $"{set.Name} ({request.Split}): {sample.Count} of {set.Count:N0} images");
            p.InvocationConfiguration.Output.WriteLine($"wrote {path}");
            return 0;
        });
        return cmd;
    }

    static string Describe(ImageSet set, int i, string[] wanted)
    {
        if (set.Labels is not null) return set.Labels[i].item<long>().ToString();
        if (set.Attributes is null) return "";
        var row = set.Attributes[i].data<float>().ToArray();
        if (wanted.Length > 0)
            return string.Join("\n", wanted.Select(a => $"{a} {(row[set.AttributeNames.ToList().IndexOf(a)] > 0.5f ? "on" : "off")}"));
        var on = set.AttributeNames.Where((_, j) => row[j] > 0.5f).Take(3).ToList();
        return on.Count == 0 ? "-" : string.Join("\n", on);
    }

    static Command Download()
    {
        var name = NameArgument();
        var root = new Option<string>("--data-root", "--root") { Description = "Data root to download into (files go to <root>/<dataset folder>/)", Required = true };
        var baseUrl = new Option<string?>("--base-url") { Description = "Download from this mirror folder instead of the official URLs (same file names)" };
        var cmd = new Command("download", "Download a dataset's official public release with MD5 verification; an interrupted download resumes").With(root, baseUrl);
        cmd.Arguments.Add(name);
        cmd.SetAction(async (p, ct) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromHours(2) };
            var files = await Downloader.DownloadAsync(p.GetValue(name)!, p.GetValue(root)!, http, Cli.Progress(), p.GetValue(baseUrl), ct: ct);
            foreach (var f in files) p.InvocationConfiguration.Output.WriteLine($"ok {f}");
            return 0;
        });
        return cmd;
    }
}
