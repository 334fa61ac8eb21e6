using ScottPlot;

namespace Adversa.Plots;

/// <summary>One place for plot defaults: a sans font that exists on headless Linux, and a save that makes folders.</summary>
public static class PlotStyle
{
    static bool _applied;

    public static void Apply()
    {
        if (_applied) return;
        Fonts.Default = "DejaVu Sans";
        _applied = true;
    }

    public static void Save(Plot plot, string path, int width, int height)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        plot.SavePng(path, width, height);
    }
}
