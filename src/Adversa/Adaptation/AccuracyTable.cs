using System.Globalization;
using System.Text;

namespace Adversa.Adaptation;

/// <summary>The study's table: rows are methods, columns are source→target pairs, cells target accuracy.</summary>
public sealed class AccuracyTable
{
    readonly List<string> _rows = [];
    readonly List<string> _columns = [];
    readonly Dictionary<(string, string), double> _cells = [];

    public void Add(string row, string column, double accuracy)
    {
        if (!_rows.Contains(row)) _rows.Add(row);
        if (!_columns.Contains(column)) _columns.Add(column);
        _cells[(row, column)] = accuracy;
    }

    string Cell(string row, string column) =>
        _cells.TryGetValue((row, column), out var a) ? (a * 100).ToString("F2", CultureInfo.InvariantCulture) : "";

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"| target accuracy (%) | {string.Join(" | ", _columns)} |");
        sb.AppendLine($"|---|{string.Concat(_columns.Select(_ => "---:|"))}");
        foreach (var r in _rows) sb.AppendLine($"| {r} | {string.Join(" | ", _columns.Select(c => Cell(r, c)))} |");
        return sb.ToString();
    }

    public string ToCsv()
    {
        var sb = new StringBuilder();
        sb.AppendLine("method," + string.Join(",", _columns));
        foreach (var r in _rows) sb.AppendLine(r + "," + string.Join(",", _columns.Select(c => Cell(r, c))));
        return sb.ToString();
    }
}
