using Adversa.Data;
using ScottPlot;
using static TorchSharp.torch;

namespace Adversa.Plots;

/// <summary>Image grids: plain PNG tiles (sample figures) or a labelled figure drawn with ScottPlot (previews).</summary>
public static class ImageGrid
{
    /// <summary>Tiles uint8 [N,C,H,W] into rows of <paramref name="columns"/> with a padding border, as a CHW uint8 tensor.</summary>
    public static Tensor Tile(Tensor images, int columns, int padding = 2, byte background = 255)
    {
        using var scope = NewDisposeScope();
        var x = images.shape[1] == 1 ? images.expand(-1, 3, -1, -1) : images;
        int n = (int)x.shape[0], h = (int)x.shape[2], w = (int)x.shape[3];
        int rows = (n + columns - 1) / columns;
        var grid = full([3, rows * (h + padding) + padding, columns * (w + padding) + padding], background, dtype: ScalarType.Byte);
        for (int i = 0; i < n; i++)
        {
            int r = i / columns, c = i % columns;
            grid.narrow(1, padding + r * (h + padding), h).narrow(2, padding + c * (w + padding), w).copy_(x[i]);
        }
        return grid.MoveToOuterDisposeScope();
    }

    /// <summary>Writes uint8 images [N, C, H, W] as one PNG grid.</summary>
    public static void SavePng(string path, Tensor images, int columns, int padding = 2)
    {
        using var grid = Tile(images, columns, padding);
        ImageCodec.WritePng(path, grid);
    }

    /// <summary>Writes every image of uint8 [N, C, H, W] as its own PNG into <paramref name="folder"/>, named by <paramref name="name"/>(i).</summary>
    public static void SaveEach(string folder, Tensor images, Func<int, string> name)
    {
        Directory.CreateDirectory(folder);
        using var cpu = images.cpu();
        for (int i = 0; i < cpu.shape[0]; i++)
        {
            using var image = cpu[i];
            ImageCodec.WritePng(Path.Combine(folder, name(i)), image);
        }
    }

    /// <summary>A figure with one label under each image and a title; each image is scaled up to <paramref name="cellPixels"/>.</summary>
    public static void SaveLabelled(string path, Tensor images, IReadOnlyList<string> labels, int columns, string title, int cellPixels = 96)
    {
        PlotStyle.Apply();
        int n = (int)images.shape[0], rows = (n + columns - 1) / columns;
        var plt = new Plot();
        int lines = labels.Count == 0 ? 1 : labels.Max(l => l.Split('\n').Length);
        double gap = 0.12, labelSpace = 0.1 + 0.2 * lines;
        for (int i = 0; i < n; i++)
        {
            int r = i / columns, c = i % columns;
            using var single = Tile(images.narrow(0, i, 1), 1, 0);
            var png = EncodePng(single);
            double left = c * (1 + gap), top = -r * (1 + labelSpace);
            var rect = plt.Add.ImageRect(new ScottPlot.Image(png), new CoordinateRect(left, left + 1, top - 1, top));
            rect.AntiAlias = false;
            var text = plt.Add.Text(labels[i], left + 0.5, top - 1.02);
            text.LabelAlignment = Alignment.UpperCenter;
            text.LabelFontSize = lines > 1 ? 11 : 13;
        }
        plt.Title(title);
        plt.Axes.Frameless();
        plt.HideGrid();
        plt.Axes.SetLimits(-0.1, columns * (1 + gap), -rows * (1 + labelSpace), 0.1);
        int width = (int)(columns * cellPixels * (1 + gap)) + 40, height = (int)(rows * cellPixels * (1 + labelSpace)) + 70;
        PlotStyle.Save(plt, path, width, height);
    }

    /// <summary>
    /// A grid (<paramref name="columns"/> images per row) with a label left of each row, e.g. "Smiling off" / "Smiling on";
    /// the images keep their pixels (each shown <paramref name="cellPixels"/> wide, nearest-neighbour).
    /// </summary>
    public static void SaveWithRowLabels(string path, Tensor images, int columns, IReadOnlyList<string> rowLabels, string title, int cellPixels = 96)
    {
        PlotStyle.Apply();
        int n = (int)images.shape[0], rows = (n + columns - 1) / columns;
        if (rowLabels.Count != rows) throw new ArgumentException($"{rows} rows but {rowLabels.Count} row labels");
        using var grid = Tile(images, columns, 2);
        var plt = new Plot();
        double labelWidth = 1.6, height = rows, width = height * grid.shape[2] / grid.shape[1]; // the tiled grid is [C, H, W]
        var rect = plt.Add.ImageRect(new ScottPlot.Image(EncodePng(grid)), new CoordinateRect(labelWidth, labelWidth + width, 0, height));
        rect.AntiAlias = false;
        for (int r = 0; r < rows; r++)
        {
            var text = plt.Add.Text(rowLabels[r], labelWidth - 0.1, height - r - 0.5);
            text.LabelAlignment = Alignment.MiddleRight;
            text.LabelFontSize = 15;
            text.LabelBold = true;
        }
        plt.Title(title);
        plt.Axes.Frameless();
        plt.HideGrid();
        plt.Axes.SetLimits(0, labelWidth + width, 0, height);
        plt.Axes.SquareUnits(); // one unit is as many pixels across as up: the faces keep their shape
        PlotStyle.Save(plt, path, (int)((labelWidth + width) * cellPixels) + 20, rows * cellPixels + 60);
    }

    static byte[] EncodePng(Tensor chw)
    {
        using var hwc = chw.permute(1, 2, 0).contiguous();
        using var ms = new MemoryStream();
        new StbImageWriteSharp.ImageWriter().WritePng(hwc.bytes.ToArray(), (int)chw.shape[2], (int)chw.shape[1],
            StbImageWriteSharp.ColorComponents.RedGreenBlue, ms);
        return ms.ToArray();
    }
}
