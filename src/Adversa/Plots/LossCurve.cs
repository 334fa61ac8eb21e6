using ScottPlot;

namespace Adversa.Plots;

/// <summary>Training curves: one line per metric against the epoch (fractional), smoothed over a short window.</summary>
public static class LossCurve
{
    /// <summary>Writes the training curves of a metric history (moving averages, epochs marked) as a PNG.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, List<double>> history, int stepsPerEpoch, string title = "Training curves")
    {
        if (history.Count == 0 || history.Values.All(v => v.Count == 0)) return;
        PlotStyle.Apply();
        var plt = new Plot();
        foreach (var (name, values) in history)
        {
            if (values.Count == 0) continue;
            var smooth = Smooth(values, Math.Max(1, Math.Min(50, values.Count / 20)));
            var xs = Enumerable.Range(1, smooth.Length).Select(i => (double)i / Math.Max(1, stepsPerEpoch)).ToArray();
            var line = plt.Add.ScatterLine(xs, smooth);
            line.LegendText = name;
            line.LineWidth = 1.5f;
        }
        plt.Title(title);
        plt.XLabel("epoch");
        plt.YLabel("value (moving average)");
        plt.ShowLegend(Edge.Right); // beside the plot, where it hides no curve
        PlotStyle.Save(plt, path, 900, 500);
    }

    static double[] Smooth(List<double> v, int window)
    {
        var result = new double[v.Count];
        double sum = 0;
        for (int i = 0; i < v.Count; i++)
        {
            sum += v[i];
            if (i >= window) sum -= v[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
