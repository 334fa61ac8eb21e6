using Adversa.Data;
using ScottPlot;

namespace Adversa.Tsne;

/// <summary>The study's latent-space figure: the same 2-D embedding twice, coloured by domain and by class.</summary>
public static class TsnePlot
{
    /// <summary>Writes the two-panel figure: points coloured by domain (left) and by class (right).</summary>
    public static void Save(string path, double[] embedding, int[] domains, int[] labels, IReadOnlyList<string> domainNames, string title)
    {
        Plots.PlotStyle.Apply();
        int n = labels.Length;
        var byDomain = new Plot();
        var domainColours = new[] { Colors.DodgerBlue, Colors.OrangeRed, Colors.SeaGreen, Colors.Purple };
        for (int d = 0; d < domainNames.Count; d++)
            AddGroup(byDomain, embedding, Enumerable.Range(0, n).Where(i => domains[i] == d), domainNames[d], domainColours[d % domainColours.Length]);
        byDomain.Title($"{title}: by domain");
        var byClass = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int c = 0; c < 10; c++)
            AddGroup(byClass, embedding, Enumerable.Range(0, n).Where(i => labels[i] == c), $"digit {c}", palette.GetColor(c));
        byClass.Title($"{title}: by class");
        foreach (var p in new[] { byDomain, byClass })
        {
            p.XLabel("t-SNE 1");
            p.YLabel("t-SNE 2");
            p.ShowLegend(Edge.Right); // beside the points, never over them
        }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var left = byDomain.GetImage(800, 700).GetImageBytes();
        var right = byClass.GetImage(800, 700).GetImageBytes();
        SideBySide(path, left, right);
    }

    static void AddGroup(Plot plot, double[] e, IEnumerable<int> members, string label, Color colour)
    {
        var idx = members.ToArray();
        if (idx.Length == 0) return;
        var scatter = plot.Add.ScatterPoints(idx.Select(i => e[2 * i]).ToArray(), idx.Select(i => e[2 * i + 1]).ToArray());
        scatter.LegendText = label;
        scatter.MarkerSize = 6;
        scatter.Color = colour.WithAlpha(0.7);
    }

    /// <summary>Two PNGs of the same height joined left to right.</summary>
    static void SideBySide(string path, byte[] leftPng, byte[] rightPng)
    {
        var l = StbImageSharp.ImageResult.FromMemory(leftPng, StbImageSharp.ColorComponents.RedGreenBlue);
        var r = StbImageSharp.ImageResult.FromMemory(rightPng, StbImageSharp.ColorComponents.RedGreenBlue);
        int h = Math.Max(l.Height, r.Height), w = l.Width + r.Width;
        var px = new byte[w * h * 3];
        Array.Fill(px, (byte)255);
        for (int y = 0; y < l.Height; y++) Array.Copy(l.Data, y * l.Width * 3, px, y * w * 3, l.Width * 3);
        for (int y = 0; y < r.Height; y++) Array.Copy(r.Data, y * r.Width * 3, px, (y * w + l.Width) * 3, r.Width * 3);
        ImageCodec.WritePng(path, px, w, h, 3);
    }
}
