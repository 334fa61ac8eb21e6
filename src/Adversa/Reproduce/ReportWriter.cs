using System.Net;
using System.Text;

namespace Adversa.Reproduce;

/// <summary>
/// Builds the study report once as blocks and writes it twice: Markdown (images by relative path) and a
/// self-contained HTML page (images inlined as data URIs), so the HTML can be mailed or archived alone.
/// </summary>
public sealed class ReportWriter(string folder)
{
    abstract record Block;
    sealed record Heading(int Level, string Text) : Block;
    sealed record Paragraph(string Text) : Block;
    sealed record Preformatted(string Text) : Block;
    sealed record Figure(string RelativePath, string Caption, bool Upscale) : Block;
    sealed record Table(string[] Header, List<string[]> Rows) : Block;

    readonly List<Block> _blocks = [];

    /// <summary>Paths of the figures added so far, relative to the report folder.</summary>
    public IReadOnlyList<string> Images => _blocks.OfType<Figure>().Select(f => f.RelativePath).ToList();

    /// <summary>Adds a heading.</summary>
    public void H(int level, string text) => _blocks.Add(new Heading(level, text));
    /// <summary>Adds a paragraph.</summary>
    public void P(string text) => _blocks.Add(new Paragraph(text));
    /// <summary>Adds preformatted text.</summary>
    public void Pre(string text) => _blocks.Add(new Preformatted(text.TrimEnd()));

    /// <summary>A figure: <paramref name="path"/> must lie inside the report folder. <paramref name="upscale"/>: small
    /// pixel images (sample grids) are shown enlarged with crisp pixels in the HTML.</summary>
    public void Image(string path, string caption, bool upscale = false) =>
        _blocks.Add(new Figure(Path.GetRelativePath(folder, path).Replace('\\', '/'), caption, upscale));

    /// <summary>Adds a table.</summary>
    public void Grid(string[] header, IEnumerable<string[]> rows) => _blocks.Add(new Table(header, rows.ToList()));

    /// <inheritdoc/>
    public void Write()
    {
        Common.AtomicFile.WriteAllText(Path.Combine(folder, "index.md"), Markdown());
        Common.AtomicFile.WriteAllText(Path.Combine(folder, "index.html"), Html());
    }

    string Markdown()
    {
        var sb = new StringBuilder();
        foreach (var b in _blocks)
        {
            switch (b)
            {
                case Heading h: sb.AppendLine($"{new string('#', h.Level)} {h.Text}").AppendLine(); break;
                case Paragraph p: sb.AppendLine(p.Text).AppendLine(); break;
                case Preformatted pre: sb.AppendLine("```").AppendLine(pre.Text).AppendLine("```").AppendLine(); break;
                case Figure f: sb.AppendLine($"![{f.Caption}]({f.RelativePath})").AppendLine().AppendLine($"*{f.Caption}*").AppendLine(); break;
                case Table t:
                    sb.AppendLine($"| {string.Join(" | ", t.Header)} |");
                    sb.AppendLine($"|{string.Concat(t.Header.Select(_ => "---|"))}");
                    foreach (var r in t.Rows) sb.AppendLine($"| {string.Join(" | ", r)} |");
                    sb.AppendLine();
                    break;
            }
        }
        return sb.ToString();
    }

    string Html()
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Adversa study report</title><style>");
        sb.AppendLine("body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}");
        sb.AppendLine("pre{background:#f4f4f4;padding:.8em;overflow-x:auto;font-size:12px}img{max-width:100%;border:1px solid #ddd}");
        sb.AppendLine("figure{margin:1em 0}figcaption{font-style:italic;color:#555;font-size:.9em}table{border-collapse:collapse;margin:1em 0}");
        sb.AppendLine("td,th{border:1px solid #ccc;padding:.3em .7em;text-align:right}td:first-child,th:first-child{text-align:left}th{background:#eee}");
        sb.AppendLine("</style></head><body>");
        foreach (var b in _blocks)
        {
            switch (b)
            {
                case Heading h: sb.AppendLine($"<h{h.Level}>{E(h.Text)}</h{h.Level}>"); break;
                case Paragraph p: sb.AppendLine($"<p>{E(p.Text)}</p>"); break;
                case Preformatted pre: sb.AppendLine($"<pre>{E(pre.Text)}</pre>"); break;
                case Figure f:
                    var bytes = File.ReadAllBytes(Path.Combine(folder, f.RelativePath));
                    var style = f.Upscale ? " style=\"width:100%;max-width:900px;image-rendering:pixelated\"" : "";
                    sb.AppendLine($"<figure><img{style} alt=\"{E(f.Caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(bytes)}\"><figcaption>{E(f.Caption)}</figcaption></figure>");
                    break;
                case Table t:
                    sb.Append("<table><tr>").Append(string.Concat(t.Header.Select(h => $"<th>{E(h)}</th>"))).AppendLine("</tr>");
                    foreach (var r in t.Rows) sb.Append("<tr>").Append(string.Concat(r.Select(c => $"<td>{E(c)}</td>"))).AppendLine("</tr>");
                    sb.AppendLine("</table>");
                    break;
            }
        }
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }
}
