using System.Diagnostics;
using System.Globalization;

namespace Adversa.Training;

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
    void Finish();
    /// <summary>A one-off message (an epoch summary, a saved file) that must not break the bar.</summary>
    void Log(string message);
}

/// <summary>Discards everything (tests, nested work).</summary>
public sealed class NullProgress : IProgressSink
{
    public static readonly NullProgress Instance = new();
    public void Start(string title, long total, string unit = "step") { }
    public void Update(long done, IReadOnlyList<(string Name, double Value)>? metrics = null) { }
    public void Finish() { }
    public void Log(string message) { }
}

/// <summary>
/// Periodic plain lines (done/total, rate, ETA, metrics) for logs and CI, where a live bar prints nothing:
/// one line at most every <c>interval</c>, plus one at the end.
/// </summary>
public sealed class PlainProgress(TextWriter writer, TimeSpan? interval = null) : IProgressSink
{
    readonly TimeSpan _interval = interval ?? TimeSpan.FromSeconds(10);
    readonly Stopwatch _clock = new();
    TimeSpan _lastPrint;
    string _title = "", _unit = "step";
    long _total, _done;
    IReadOnlyList<(string, double)>? _metrics;

    public void Start(string title, long total, string unit = "step")
    {
        (_title, _total, _unit, _done, _metrics) = (title, total, unit, 0, null);
        _clock.Restart();
        _lastPrint = TimeSpan.Zero;
        writer.WriteLine($"[{title}] started ({(total > 0 ? $"{total:N0} {unit}s" : "size unknown")})");
        writer.Flush();
    }

    public void Update(long done, IReadOnlyList<(string Name, double Value)>? metrics = null)
    {
        _done = done;
        _metrics = metrics ?? _metrics;
        if (_clock.Elapsed - _lastPrint < _interval) return;
        _lastPrint = _clock.Elapsed;
        writer.WriteLine(Line());
        writer.Flush();
    }

    public void Finish()
    {
        writer.WriteLine(Line(final: true));
        writer.Flush();
    }

    public void Log(string message)
    {
        writer.WriteLine(message);
        writer.Flush();
    }

    string Line(bool final = false) => FormatLine(_title, _done, _total, _unit, _clock.Elapsed, _metrics, final);

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

    public static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:D2}s" : $"{t.TotalSeconds:F1}s";
}
