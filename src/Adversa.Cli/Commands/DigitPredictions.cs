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
            p.InvocationConfiguration.Output.WriteLine(Adaptation.Predictions.Write(logits, transform, p.GetValue(images)!, p.GetValue(output)!));
            return 0;
        });
        return cmd;
    }
}
