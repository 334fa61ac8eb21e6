using System.Diagnostics;
using System.Globalization;

namespace Adversa.Common;

/// <summary>
/// Where long-running work reports progress. The CLI picks a live bar on a terminal and
/// <see cref="PlainProgress"/> otherwise; the library only ever talks to this interface.
/// </summary>
public interface IProgressSink
{
    /// <summary>Begins a task of <paramref name="total"/> units (0 when unknown).</summary>
    void Start(string title, long total, string unit = "step");
    /// <summary>Reports units done so far and, optionally, the current metrics (name, value).</summary>
    void Update(long done, IReadOnlyList<(string Name, double Value)>? metrics = null);
    /// <inheritdoc/>
    void Finish();
    /// <summary>A one-off message (an epoch summary, a saved file) that must not break the bar.</summary>
    void Log(string message);
}

/// <summary>Discards everything (tests, nested work).</summary>
public sealed class NullProgress : IProgressSink
{
    /// <summary>The one instance.</summary>
    public static readonly NullProgress Instance = new();
    /// <inheritdoc/>
    public void Start(string title, long total, string unit = "step") { }
    /// <inheritdoc/>
    public void Update(long done, IReadOnlyList<(string Name, double Value)>? metrics = null) { }
    /// <inheritdoc/>
    public void Finish() { }
    /// <inheritdoc/>
    public void Log(string message) { }
}

/// <summary>
/// Periodic plain lines (done/total, rate, ETA, metrics) for logs and CI, where a live bar prints nothing:
/// one line at most every <c>interval</c>, plus one at the end.
/// </summary>
public sealed class PlainProgress(TextWriter writer, TimeSpan? interval = null) : IProgressSink
{
    readonly TimeSpan _interval = interval ?? TimeSpan.FromSeconds(10);

    sealed class Task(string title, long total, string unit)
    {
        public readonly string Title = title, Unit = unit;
        public readonly long Total = total;
        public readonly Stopwatch Clock = Stopwatch.StartNew();
        public long Done;
        public TimeSpan LastPrint;
        public IReadOnlyList<(string Name, double Value)>? Metrics;
    }

    /// <summary>Running tasks, innermost on top: a Start inside a task (a feature cache computed during an epoch) nests, and its Finish returns to the outer one.</summary>
    readonly Stack<Task> _tasks = new();

    /// <inheritdoc/>
    public void Start(string title, long total, string unit = "step")
    {
        _tasks.Push(new Task(title, total, unit));
        writer.WriteLine($"[{title}] started ({(total > 0 ? $"{total:N0} {unit}s" : "size unknown")})");
        writer.Flush();
    }

    /// <inheritdoc/>
    public void Update(long done, IReadOnlyList<(string Name, double Value)>? metrics = null)
    {
        if (!_tasks.TryPeek(out var t)) return;
        t.Done = done;
        t.Metrics = metrics ?? t.Metrics;
        if (t.Clock.Elapsed - t.LastPrint < _interval) return;
        t.LastPrint = t.Clock.Elapsed;
        writer.WriteLine(Line(t));
        writer.Flush();
    }

    /// <inheritdoc/>
    public void Finish()
    {
        if (!_tasks.TryPop(out var t)) return;
        writer.WriteLine(Line(t, final: true));
        writer.Flush();
    }

    /// <inheritdoc/>
    public void Log(string message)
    {
        writer.WriteLine(message);
        writer.Flush();
    }

    static string Line(Task t, bool final = false) => FormatLine(t.Title, t.Done, t.Total, t.Unit, t.Clock.Elapsed, t.Metrics, final);

    /// <summary>The progress line: title, done/total, rate, ETA or elapsed, metrics.</summary>
    public static string FormatLine(string title, long done, long total, string unit, TimeSpan elapsed,
                                    IReadOnlyList<(string Name, double Value)>? metrics, bool final = false)
    {
        var inv = CultureInfo.InvariantCulture;
        double rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        var parts = new List<string> { total > 0 ? $"{done:N0}/{total:N0} {unit}s ({100.0 * done / total:F0}%)" : $"{done:N0} {unit}s" };
        parts.Add(string.Format(inv, "{0:F1} {1}s/s", rate, unit));
        if (final) parts.Add($"took {Format(elapsed)}");
        else if (total > 0 && rate > 0) parts.Add($"ETA {Format(TimeSpan.FromSeconds((total - done) / rate))}");
        if (metrics is not null)
            parts.AddRange(metrics.Select(m => string.Format(inv, "{0} {1:G4}", m.Name, m.Value)));
        return $"[{title}] {string.Join(" | ", parts)}";
    }

    /// <summary>A duration as 1h02m03s, 2m03s or 3.0s.</summary>
    public static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:D2}s" : $"{t.TotalSeconds:F1}s";
}
