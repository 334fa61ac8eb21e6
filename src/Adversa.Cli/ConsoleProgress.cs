using Adversa.Common;
using Spectre.Console;

namespace Adversa.Cli;

/// <summary>
/// A live Spectre.Console bar for terminals. Spectre's progress display owns the console inside a callback,
/// so it runs on its own thread between Start and Finish while the caller keeps its plain loop.
/// </summary>
public sealed class ConsoleProgress : IProgressSink
{
    ProgressTask? _task;
    Task? _display;
    ManualResetEventSlim? _done;
    string _title = "";
    string _unit = "step";
    DateTime _started;

    /// <summary>Tasks started inside the live one (a feature cache computed during an epoch): logged as a line, their updates not shown.</summary>
    int _nested;

    public void Start(string title, long total, string unit = "step")
    {
        if (_task is not null)
        {
            _nested++;
            Log($"{title}...");
            return;
        }
        (_title, _unit, _started) = (title, unit, DateTime.UtcNow);
        var ready = new ManualResetEventSlim();
        _done = new ManualResetEventSlim();
        var done = _done;
        _display = Task.Run(() => AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = BarWidth }, new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                _task = ctx.AddTask(Markup.Escape(title), maxValue: Math.Max(1, total));
                if (total <= 0) _task.IsIndeterminate = true;
                ready.Set();
                done.Wait();
                ctx.Refresh();
            }));
        ready.Wait();
    }

    public void Update(long done, IReadOnlyList<(string Name, double Value)>? metrics = null)
    {
        if (_task is null || _nested > 0) return;
        _task.Value = done;
        double secs = (DateTime.UtcNow - _started).TotalSeconds;
        var text = $"{_title} {(secs > 0 ? done / secs : 0):F1} {_unit}s/s";
        if (metrics is not null) text += " " + string.Join(" ", metrics.Select(m => $"{m.Name} {m.Value:G4}"));
        _task.Description = Markup.Escape(Fit(text, AnsiConsole.Profile.Width));
    }

    const int BarWidth = 20;

    /// <summary>
    /// The description cut to what is left of a <paramref name="width"/>-column terminal beside the bar, percentage,
    /// elapsed and remaining time (~50 columns), so the line never wraps (every metric still goes to the log and
    /// TensorBoard; the bar shows what fits).
    /// </summary>
    public static string Fit(string text, int width)
    {
        int room = Math.Max(16, width - BarWidth - 32);
        return text.Length <= room ? text : text[..(room - 1)] + "…";
    }

    public void Finish()
    {
        if (_nested > 0)
        {
            _nested--;
            return;
        }
        if (_task is not null) _task.Value = _task.MaxValue;
        _done?.Set();
        _display?.Wait();
        _task = null;
    }

    public void Log(string message)
    {
        if (_task is not null) AnsiConsole.MarkupLine(Markup.Escape(message));
        else Console.WriteLine(message);
    }
}
