using System.Globalization;
using System.Text;

namespace Adversa.Adaptation;

/// <summary>
/// The study's table: rows are methods, columns are source→target pairs (and, in the report, the study's own numbers),
/// cells target accuracy. The one table both <c>adversa dann table</c> and <c>adversa reproduce</c> print.
/// </summary>
public sealed class AccuracyTable
{
    /// <summary>What an empty cell shows in Markdown (a method not run on that column).</summary>
    public const string Missing = "–";

    readonly List<string> _rows = [];
    readonly List<string> _columns = [];
    readonly Dictionary<(string, string), double> _cells = [];

    /// <summary>Sets the cell of method <paramref name="row"/> on pair <paramref name="column"/> (accuracy 0-1); rows and columns keep the order of their first cell.</summary>
    public void Add(string row, string column, double accuracy)
    {
        if (!_rows.Contains(row)) _rows.Add(row);
        if (!_columns.Contains(column)) _columns.Add(column);
        _cells[(row, column)] = accuracy;
    }

    /// <summary>Adds <paramref name="column"/> without cells yet (fixes its place among the columns).</summary>
    public void AddColumn(string column)
    {
        if (!_columns.Contains(column)) _columns.Add(column);
    }

    /// <summary>The accuracy in percent with two decimals, or null where the method has no cell on that column.</summary>
    public string? Cell(string row, string column) =>
        _cells.TryGetValue((row, column), out var a) ? (a * 100).ToString("F2", CultureInfo.InvariantCulture) : null;

    /// <summary>The header: <paramref name="corner"/> above the method names, then one heading per column.</summary>
    public string[] Header(string corner) => [corner, .. _columns];

    /// <summary>One row per method: its name, then its cells (<see cref="Missing"/> where it has none).</summary>
    public IEnumerable<string[]> Rows() => _rows.Select(r => (string[])[r, .. _columns.Select(c => Cell(r, c) ?? Missing)]);

    /// <summary>The table as Markdown, accuracies in percent with two decimals.</summary>
    public string ToMarkdown(string corner = "target accuracy (%)")
    {
        var sb = new StringBuilder();
        sb.AppendLine($"| {string.Join(" | ", Header(corner))} |");
        sb.AppendLine($"|---|{string.Concat(_columns.Select(_ => "---:|"))}");
        foreach (var row in Rows()) sb.AppendLine($"| {string.Join(" | ", row)} |");
        return sb.ToString();
    }

    /// <summary>The table as CSV, one row per method; an empty field where a method has no cell.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        sb.AppendLine("method," + string.Join(",", _columns));
        foreach (var r in _rows) sb.AppendLine(r + "," + string.Join(",", _columns.Select(c => Cell(r, c) ?? "")));
        return sb.ToString();
    }
}
