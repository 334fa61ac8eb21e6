using Adversa.Adaptation;
using Adversa.Common;
using Adversa.Dann;
using Adversa.Uda;

namespace Adversa.Reproduce;

/// <summary>What <c>adversa dann table</c> computes.</summary>
/// <param name="Pairs">Source and target domain of each column.</param>
/// <param name="Rows">Method names (<see cref="AdaptationMethods.Names"/>) and <see cref="DigitTable.UdaRow"/>, in table order.</param>
/// <param name="Out">Folder: table.md, table.csv, results.json and one run folder per pair and row (SOURCE_to_TARGET/ROW).</param>
/// <param name="AdaBn">Also report source-only/DANN-network rows after recalibrating batch norm on the target (AdaBN).</param>
/// <param name="Force">Train every run again, even one finished with the same settings.</param>
/// <param name="LogDir">TensorBoard folder (LOGDIR/SOURCE_to_TARGET/ROW); null: none.</param>
public sealed record DigitTableOptions(IReadOnlyList<(string Source, string Target)> Pairs, IReadOnlyList<string> Rows, string Out,
                                       bool AdaBn = false, bool Force = false, string? LogDir = null);

/// <summary>
/// The accuracy table of the digit methods: every requested row of every pair trained (a finished run with the same
/// settings is reused, one with other settings trained again) and evaluated on the target's evaluation part.
/// </summary>
public static class DigitTable
{
    /// <summary>The row name that selects the improved UDA model.</summary>
    public const string UdaRow = "uda";

    /// <summary>Runs the table and writes table.md, table.csv and results.json into <see cref="DigitTableOptions.Out"/>.</summary>
    /// <param name="load">Loads a domain by name (the caller's limit, held-out part, cache and seed).</param>
    /// <param name="dann">The options of a DANN-network row (source, target, method).</param>
    /// <param name="uda">The options of the improved-UDA row (source, target).</param>
    /// <param name="say">Receives one line per run started and per result.</param>
    public static AccuracyTable Run(DigitTableOptions o, Func<string, DomainData> load, Func<string, string, AdaptationMethod, DannOptions> dann,
                                    Func<string, string, UdaOptions> uda, IProgressSink progress, Action<string> say)
    {
        using var tableLock = Training.RunLock.Acquire(o.Out);
        var table = new AccuracyTable();
        var results = new List<object>();
        foreach (var (source, target) in o.Pairs)
        {
            using var src = load(source);
            using var tgt = load(target);
            var column = $"{src.Name} → {tgt.Name}";
            foreach (var row in o.Rows)
            {
                var dir = Path.Combine(o.Out, $"{src.Name}_to_{tgt.Name}", row == UdaRow ? UdaRow : AdaptationMethods.Name(AdaptationMethods.Parse(row)));
                var logDir = o.LogDir is null ? null : Path.Combine(o.LogDir, $"{src.Name}_to_{tgt.Name}", row);
                if (o.Force && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                if (row == UdaRow)
                {
                    say($"== improved UDA {src.Name} -> {tgt.Name} ({dir})");
                    var r = UdaRun.TrainAndEvaluate(src, tgt, uda(src.Name, tgt.Name), dir, progress, logDir);
                    say($"   target {r.Target.Describe()}");
                    table.Add(UdaRun.RowName, column, r.Target.Accuracy);
                    results.Add(r);
                    continue;
                }
                var options = dann(src.Name, tgt.Name, AdaptationMethods.Parse(row));
                var name = AdaptationMethods.Name(options.Mode);
                say($"== {name} {src.Name} -> {tgt.Name} ({dir})");
                var d = DannRun.TrainAndEvaluate(src, tgt, options, dir, progress, logDir, adaBn: o.AdaBn);
                say($"   target {d.Target.Describe()}");
                table.Add(name, column, d.Target.Accuracy);
                if (d.TargetAdaBn is { } adapted)
                {
                    say($"   target with AdaBN {adapted.Describe()}");
                    table.Add(name + " + AdaBN", column, adapted.Accuracy);
                }
                results.Add(d);
            }
        }
        AtomicFile.WriteAllText(Path.Combine(o.Out, "table.md"), table.ToMarkdown());
        AtomicFile.WriteAllText(Path.Combine(o.Out, "table.csv"), table.ToCsv());
        Json.Write(Path.Combine(o.Out, "results.json"), results);
        return table;
    }
}
