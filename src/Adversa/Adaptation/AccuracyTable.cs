using System.Globalization;
using System.Text;

namespace Adversa.Adaptation;

/// <summary>The study's table: rows are methods, columns are source→target pairs, cells target accuracy.</summary>
public sealed class AccuracyTable
{
    readonly List<string> _rows = [];
    readonly List<string> _columns = [];
    readonly Dictionary<(string, string), double> _cells = [];

    /// <summary>Sets the cell of method <paramref name="row"/> on pair <paramref name="column"/> (accuracy 0-1).</summary>
    public void Add(string row, string column, double accuracy)
    {
        if (!_rows.Contains(row)) _rows.Add(row);
        if (!_columns.Contains(column)) _columns.Add(column);
        _cells[(row, column)] = accuracy;
    }

    string Cell(string row, string column) =>
        _cells.TryGetValue((row, column), out var a) ? (a * 100).ToString("F2", CultureInfo.InvariantCulture) : "";

    /// <summary>The table as Markdown, accuracies in percent with two decimals.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"| target accuracy (%) | {string.Join(" | ", _columns)} |");
        sb.AppendLine($"|---|{string.Concat(_columns.Select(_ => "---:|"))}");
        foreach (var r in _rows) sb.AppendLine($"| {r} | {string.Join(" | ", _columns.Select(c => Cell(r, c)))} |");
        return sb.ToString();
    }

    /// <summary>The table as CSV, one row per method.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        sb.AppendLine("method," + string.Join(",", _columns));
        foreach (var r in _rows) sb.AppendLine(r + "," + string.Join(",", _columns.Select(c => Cell(r, c))));
        return sb.ToString();
    }
}
