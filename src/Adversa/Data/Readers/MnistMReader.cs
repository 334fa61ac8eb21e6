using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Data.Readers;

/// <summary>
/// MNIST-M's official layout: <c>mnist_m_{split}/</c> (or <c>mnist_m_{split}.zip</c>) holding 32x32 RGB PNGs,
/// plus <c>mnist_m_{split}_labels.txt</c> with lines <c>00000000.png 5</c>.
/// </summary>
public static class MnistMReader
{
    /// <summary>True when <paramref name="root"/> holds the labels of <paramref name="split"/>.</summary>
    public static bool Exists(string root, string split) => File.Exists(LabelsPath(root, split));

    static string LabelsPath(string root, string split) => Path.Combine(root, $"mnist_m_{split}_labels.txt");

    /// <inheritdoc/>
    public static ImageSet Read(string root, string split, int? limit = null)
    {
        var labelsPath = LabelsPath(root, split);
        if (!File.Exists(labelsPath)) throw new AdversaException($"{labelsPath}: MNIST-M label file not found");
        var (names, labels) = ReadLabelFile(labelsPath, limit);
        using var source = FileSource.FolderOrZip(Path.Combine(root, $"mnist_m_{split}"));
        for (int i = 0; i < names.Count; i++)
            if (!source.Contains(names[i]))
                throw new DataFormatException(labelsPath, i + 1, $"image '{names[i]}' is not in {source.Description}");
        // The label file is the index of the set: one that lists fewer images than the folder holds is truncated or
        // belongs to another folder, and silently training on the listed part would hide that.
        if (limit is null && source.ImageCount() is var held && held > names.Count)
            throw new DataFormatException(labelsPath, $"lists {names.Count} images but {source.Description} holds {held}; every image needs a label line (truncated label file?)");
        var images = ImageFiles.DecodeAll(source, names, 3, 32, 32);
        return new ImageSet("mnistm", images, tensor(labels.ToArray()));
    }

    static (List<string> Names, List<long> Labels) ReadLabelFile(string path, int? limit)
    {
        var names = new List<string>();
        var labels = new List<long>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !int.TryParse(parts[1], out var label))
                throw new DataFormatException(path, lineNo, $"expected '<image name> <digit>', got '{line.Trim()}'");
            if (label is < 0 or > 9) throw new DataFormatException(path, lineNo, $"label {label} is outside 0-9");
            if (!seen.TryAdd(parts[0], lineNo)) throw new DataFormatException(path, lineNo, $"image '{parts[0]}' is listed twice (first on line {seen[parts[0]]})");
            names.Add(parts[0]);
            labels.Add(label);
            if (limit is int n && names.Count >= n) break;
        }
        if (names.Count == 0) throw new DataFormatException(path, "no labelled images listed");
        return (names, labels);
    }
}
