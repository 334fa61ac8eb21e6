using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Data.Readers;

/// <summary>
/// CelebA's official layout: <c>img_align_celeba/*.jpg</c> (178x218), <c>list_attr_celeba.txt</c>
/// (count line, 40 attribute names, then rows of -1/1) and <c>list_eval_partition.txt</c> (0 train, 1 val, 2 test).
/// Images get the PyTorch DCGAN recipe: centre square crop, then resize to <c>size</c>.
/// </summary>
public static class CelebAReader
{
    /// <summary>True when <paramref name="root"/> holds CelebA's attribute list.</summary>
    public static bool Exists(string root) => File.Exists(Path.Combine(root, "list_attr_celeba.txt"));

    /// <summary>split: train, valid, test or all.</summary>
    public static ImageSet Read(string root, string split, int size = 64, int? limit = null)
    {
        var attrPath = Path.Combine(root, "list_attr_celeba.txt");
        var (names, attrNames, attrs) = ReadAttributes(attrPath);
        var keep = Enumerable.Range(0, names.Count).ToList();
        if (split != "all")
        {
            int wanted = split switch
            {
                "train" => 0,
                "valid" or "val" => 1,
                "test" => 2,
                _ => throw new AdversaException($"CelebA split must be train, valid, test or all, not '{split}'")
            };
            var partition = ReadPartition(Path.Combine(root, "list_eval_partition.txt"));
            keep = keep.Where(i => partition.TryGetValue(names[i], out var p) && p == wanted).ToList();
            if (keep.Count == 0) throw new AdversaException($"{root}: no CelebA images in the '{split}' partition");
        }
        if (limit is int l) keep = keep.Take(l).ToList();
        var folder = Path.Combine(root, "img_align_celeba");
        using var source = FileSource.FolderOrZip(folder);
        var files = keep.Select(i => names[i]).ToList();
        for (int i = 0; i < files.Count; i++)
            if (!source.Contains(files[i]))
                throw new DataFormatException(attrPath, keep[i] + 3, $"image '{files[i]}' not found in {source.Description}");
        var images = ImageFiles.DecodeAll(source, files, 3, size, size, (hwc, w, h) => CropResize(hwc, w, h, size));
        int a = attrNames.Length;
        var selected = new float[keep.Count * a];
        for (int k = 0; k < keep.Count; k++) Array.Copy(attrs, keep[k] * a, selected, k * a, a);
        return new ImageSet("celeba", images, null, 0, tensor(selected, [keep.Count, a]), attrNames);
    }

    /// <summary>The centre square of an aligned face resized to <paramref name="size"/> (HWC bytes).</summary>
    public static (byte[], int, int) CropResize(byte[] hwc, int w, int h, int size)
    {
        var (square, side) = ImageOps.CentreSquare(hwc, w, h, 3);
        return (ImageOps.Resize(square, side, side, 3, size, size), size, size);
    }

    static (List<string> Names, string[] AttrNames, float[] Values) ReadAttributes(string path)
    {
        if (!File.Exists(path)) throw new AdversaException($"{path}: CelebA attribute file not found");
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || !int.TryParse(lines[0].Trim(), out var declared))
            throw new DataFormatException(path, 1, "first line must be the number of images");
        var attrNames = lines[1].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (attrNames.Length == 0) throw new DataFormatException(path, 2, "second line must list the attribute names");
        var names = new List<string>();
        var values = new List<float>();
        for (int i = 2; i < lines.Length; i++)
        {
            var cells = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length == 0) continue;
            if (cells.Length != attrNames.Length + 1)
                throw new DataFormatException(path, i + 1, $"expected an image name and {attrNames.Length} values, got {cells.Length} fields");
            names.Add(cells[0]);
            for (int j = 1; j < cells.Length; j++)
                values.Add(cells[j] switch
                {
                    "1" => 1f,
                    "-1" => 0f,
                    var v => throw new DataFormatException(path, i + 1, $"attribute {attrNames[j - 1]} has value '{v}'; expected -1 or 1")
                });
        }
        if (names.Count != declared)
            throw new DataFormatException(path, 1, $"declares {declared} images but lists {names.Count}");
        return (names, attrNames, values.ToArray());
    }

    static Dictionary<string, int> ReadPartition(string path)
    {
        if (!File.Exists(path)) throw new AdversaException($"{path}: CelebA partition file not found (needed for a train/valid/test split; use split 'all' without it)");
        var result = new Dictionary<string, int>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            var cells = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length == 0) continue;
            if (cells.Length != 2 || !int.TryParse(cells[1], out var p) || p is < 0 or > 2)
                throw new DataFormatException(path, lineNo, $"expected '<image name> <0|1|2>', got '{line.Trim()}'");
            result[cells[0]] = p;
        }
        return result;
    }
}
