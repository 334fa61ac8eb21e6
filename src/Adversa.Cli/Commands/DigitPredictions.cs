using System.CommandLine;
using Adversa.Common;
using Adversa.Data;
using static TorchSharp.torch;

namespace Adversa.Cli.Commands;

/// <summary>Shared by <c>dann predict</c> and <c>uda predict</c>: classify every image in a folder, write the course's CSV.</summary>
public static class DigitPredictions
{
    /// <summary>The <c>predict</c> command of a digit model family; <paramref name="load"/> turns a checkpoint into logits and input transform.</summary>
    public static Command Command(string defaultRun, Func<string, (Func<Tensor, Tensor> Logits, ImageTransform Transform)> load)
    {
        var checkpoint = GanCommands.CheckpointOption(defaultRun);
        var images = new Option<string>("--images") { Description = "Folder of digit images (PNG/JPEG)", Required = true };
        var output = CommonOptions.Out("pred.csv", "CSV to write: image_name,label");
        var cmd = new Command("predict", "Predict the digit of every image in a folder, in the course's image_name,label CSV format").With(checkpoint, images, output);
        cmd.SetAction(p =>
        {
            OutputPath.CheckFile(p.GetValue(output)!);
            var (logits, transform) = load(p.GetValue(checkpoint)!);
            p.InvocationConfiguration.Output.WriteLine(Write(logits, transform, p.GetValue(images)!, p.GetValue(output)!));
            return 0;
        });
        return cmd;
    }

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
        var labels = Adaptation.Evaluation.PredictLabels(names.Count, (s, n) => logits(transform.Apply(pixels.narrow(0, s, n))));
        AtomicFile.WriteAllLines(csvPath, ["image_name,label", .. names.Select((n, i) => $"{n},{labels[i]}")]);
        return $"wrote {csvPath} ({names.Count} predictions; first image {w}x{h}, all read at 32x32, model input {transform.Size}x{transform.Size})";
    }
}
