using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Data.Readers;

/// <summary>
/// The course layout many users have: a folder of images plus a CSV with a header. Digits use
/// <c>image_name,label</c>; faces use <c>image_name,&lt;attribute&gt;,...</c> with 0/1 or -1/1 values.
/// A name listed twice is an error (it would be trained and evaluated twice). Digit images of another size are
/// resized when square (a 28x28 digit in a 32x32 set) and refused when not (a 40x20 image would be stretched).
/// </summary>
public static class CsvFolderReader
{
    /// <summary>Digits from a folder of images with a CSV of image_name,label.</summary>
    public static ImageSet ReadDigits(string name, string folder, string csvPath, int size, int channels, int? limit = null)
    {
        var (header, rows) = ReadCsv(csvPath, limit);
        if (header.Length != 2 || !header[1].Trim().Equals("label", StringComparison.OrdinalIgnoreCase))
            throw new DataFormatException(csvPath, 1, $"expected header 'image_name,label', got '{string.Join(',', header)}'");
        var labels = new long[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var (line, cells) = rows[i];
            if (!int.TryParse(cells[1], out var label)) throw new DataFormatException(csvPath, line, $"label '{cells[1]}' is not an integer");
            if (label is < 0 or > 9) throw new DataFormatException(csvPath, line, $"label {label} is outside 0-9");
            labels[i] = label;
        }
        var images = Decode(folder, csvPath, rows, channels, size);
        return new ImageSet(name, images, tensor(labels));
    }

    /// <summary>Faces from a folder of images with a CSV of image_name and 0/1 attribute columns.</summary>
    public static ImageSet ReadAttributes(string name, string folder, string csvPath, int? limit,
                                          Func<byte[], int, int, (byte[], int, int)>? prepare, int size)
    {
        var (header, rows) = ReadCsv(csvPath, limit);
        if (header.Length < 2) throw new DataFormatException(csvPath, 1, "expected header 'image_name,<attribute>,...'");
        int a = header.Length - 1;
        var attrs = new float[rows.Count * a];
        for (int i = 0; i < rows.Count; i++)
        {
            var (line, cells) = rows[i];
            for (int j = 0; j < a; j++)
                attrs[i * a + j] = cells[j + 1].Trim() switch
                {
                    "1" => 1f,
                    "0" or "-1" => 0f,
                    var v => throw new DataFormatException(csvPath, line, $"attribute '{header[j + 1]}' has value '{v}'; expected 0/1 or -1/1")
                };
        }
        var images = Decode(folder, csvPath, rows, 3, size, prepare);
        return new ImageSet(name, images, null, 0, tensor(attrs, [rows.Count, a]), header.Skip(1).Select(h => h.Trim()).ToArray());
    }

    static Tensor Decode(string folder, string csvPath, List<(int Line, string[] Cells)> rows, int channels, int size,
                         Func<byte[], int, int, (byte[], int, int)>? prepare = null)
    {
        using var source = FileSource.FromFolder(folder);
        var names = new List<string>(rows.Count);
        foreach (var (line, cells) in rows)
        {
            var file = cells[0].Trim();
            if (!source.Contains(file)) throw new DataFormatException(csvPath, line, $"image '{file}' not found in {folder}");
            names.Add(file);
        }
        prepare ??= ImageFiles.SquareTo(size, channels);
        return ImageFiles.DecodeAll(source, names, channels, size, size, prepare);
    }

    static (string[] Header, List<(int, string[])> Rows) ReadCsv(string path, int? limit)
    {
        if (!File.Exists(path)) throw new AdversaException($"{path}: CSV file not found");
        using var reader = new StreamReader(path);
        var header = reader.ReadLine()?.TrimEnd('\r').Split(',')
                     ?? throw new DataFormatException(path, "empty CSV file");
        var rows = new List<(int, string[])>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int lineNo = 1;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNo++;
            line = line.TrimEnd('\r');
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            if (cells.Length != header.Length)
                throw new DataFormatException(path, lineNo, $"expected {header.Length} columns, got {cells.Length}");
            // A row listed twice would be trained on twice and counted twice in evaluation: refuse it.
            if (!seen.TryAdd(cells[0].Trim(), lineNo)) throw new DataFormatException(path, lineNo, $"image '{cells[0].Trim()}' is listed twice (first on line {seen[cells[0].Trim()]})");
            rows.Add((lineNo, cells));
            if (limit is int n && rows.Count >= n) break;
        }
        if (rows.Count == 0) throw new DataFormatException(path, "no rows after the header");
        return (header, rows);
    }
}
