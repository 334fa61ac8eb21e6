using Adversa.Common;
using Adversa.Data;
using static TorchSharp.torch;

namespace Adversa.Adaptation;

/// <summary>
/// The course's prediction format: a CSV <c>image_name,label</c> with one digit per image of a folder. Writing it for a
/// model (<c>dann predict</c>, <c>uda predict</c>) and scoring one against the true labels (<c>dann score</c>).
/// </summary>
public static class Predictions
{
    const string Header = "image_name,label";

    /// <summary>Classifies every .png/.jpg image of <paramref name="folder"/> (in name order) and writes the CSV atomically.</summary>
    /// <param name="logits">Class logits for model-space images.</param>
    /// <returns>A one-line summary of what was written.</returns>
    public static string Write(Func<Tensor, Tensor> logits, ImageTransform transform, string folder, string csvPath)
    {
        if (!Directory.Exists(folder)) throw new AdversaException($"{folder}: folder not found");
        var names = Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n!.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || n.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        if (names.Count == 0) throw new AdversaException($"{folder}: no .png or .jpg images");
        using var source = Data.Readers.FileSource.FromFolder(folder);
        var (w, h, _) = Data.Readers.ImageFiles.Probe(source, names[0]!);
        // Decoded at the digits' common 32x32 (as the datasets are), then brought to the model's size by its transform.
        using var pixels = Data.Readers.ImageFiles.DecodeAll(source, names!, 3, 32, 32, Data.Readers.ImageFiles.SquareTo(32, 3));
        var labels = Evaluation.PredictLabels(names.Count, (s, n) => logits(transform.Apply(pixels.narrow(0, s, n))));
        AtomicFile.WriteAllLines(csvPath, [Header, .. names.Select((n, i) => $"{n},{labels[i]}")]);
        return $"wrote {csvPath} ({names.Count} predictions; first image {w}x{h}, all read at 32x32, model input {transform.Size}x{transform.Size})";
    }

    /// <summary>The labels of a prediction or truth CSV by image name; a one-line error names the file and line of anything else.</summary>
    public static Dictionary<string, int> Read(string path)
    {
        if (!File.Exists(path)) throw new AdversaException($"{path}: file not found");
        var result = new Dictionary<string, int>();
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].Trim().Equals(Header, StringComparison.OrdinalIgnoreCase))
            throw new DataFormatException(path, 1, $"expected header '{Header}'");
        for (int i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var cells = lines[i].Split(',');
            if (cells.Length != 2 || !int.TryParse(cells[1], out var label) || label is < 0 or > 9)
                throw new DataFormatException(path, i + 1, $"expected '<image name>,<digit 0-9>', got '{lines[i]}'");
            if (!result.TryAdd(cells[0].Trim(), label)) throw new DataFormatException(path, i + 1, $"image '{cells[0]}' listed twice");
        }
        return result;
    }

    /// <summary>Correct predictions among the images of <paramref name="truthPath"/>; every one of them must have a prediction.</summary>
    public static (int Correct, int Total) Score(string predictedPath, string truthPath)
    {
        var predicted = Read(predictedPath);
        var truth = Read(truthPath);
        var missing = truth.Keys.Where(k => !predicted.ContainsKey(k)).ToList();
        if (missing.Count > 0) throw new AdversaException($"{predictedPath}: no prediction for {missing.Count} image(s), e.g. '{missing[0]}'");
        return (truth.Count(kv => predicted[kv.Key] == kv.Value), truth.Count);
    }
}
