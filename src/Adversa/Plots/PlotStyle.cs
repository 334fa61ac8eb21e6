using ScottPlot;

namespace Adversa.Plots;

/// <summary>One place for plot defaults: a sans font that exists on headless Linux, and an atomic save that makes folders.</summary>
public static class PlotStyle
{
    static bool _applied;

    /// <summary>Sets the fonts every plot uses (once per process).</summary>
    public static void Apply()
    {
        if (_applied) return;
        Fonts.Default = "DejaVu Sans";
        _applied = true;
    }

    /// <summary>Renders to PNG in memory, then writes the file atomically (never a half-written or empty PNG).</summary>
    public static void Save(Plot plot, string path, int width, int height) =>
        Common.AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
}
