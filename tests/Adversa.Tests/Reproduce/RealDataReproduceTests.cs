using System.Text.RegularExpressions;
using Adversa.Data;
using Adversa.Tests.Cli;
using Adversa.Tests.Fixtures;

namespace Adversa.Tests.Reproduce;

/// <summary>The study's real-data path (CelebA, SVHN and MNIST-M read from a data root in their shared layouts) at the tiny size, on fixtures the test writes.</summary>
public class RealDataReproduceTests
{
    /// <summary>A data root with celeba/ (aligned JPEGs, attributes, partitions), svhn/ (PNG folder + CSV) and mnist_m/ (PNG folder + labels).</summary>
    static void WriteDataRoot(TempDir root, int faces = 80, int digits = 160)
    {
        var rng = new Random(5);
        Directory.CreateDirectory(root["celeba/img_align_celeba"]);
        var attributes = new List<string> { faces.ToString(), "Male Smiling" };
        var partitions = new List<string>();
        for (int i = 1; i <= faces; i++)
        {
            var name = $"{i:D6}.jpg";
            File.WriteAllBytes(root[$"celeba/img_align_celeba/{name}"], Images.Jpeg(Images.Pattern(178, 218, 7 * i), 178, 218));
            attributes.Add($"{name} {(rng.Next(2) == 0 ? -1 : 1),2} {(i % 2 == 0 ? 1 : -1),2}");
            partitions.Add($"{name} {(i <= faces * 8 / 10 ? 0 : i <= faces * 9 / 10 ? 1 : 2)}");
        }
        File.WriteAllLines(root["celeba/list_attr_celeba.txt"], attributes);
        File.WriteAllLines(root["celeba/list_eval_partition.txt"], partitions);

        Directory.CreateDirectory(root["svhn/train"]);
        Directory.CreateDirectory(root["mnist_m/mnist_m_train"]);
        var svhn = new List<string> { "image_name,label" };
        var mnistm = new List<string>();
        for (int i = 0; i < digits; i++)
        {
            File.WriteAllBytes(root[$"svhn/train/{i:D5}.png"], Images.Png(Images.Pattern(32, 32, 11 * i), 32, 32));
            svhn.Add($"{i:D5}.png,{i % 10}");
            File.WriteAllBytes(root[$"mnist_m/mnist_m_train/{i:D8}.png"], Images.Png(Images.Pattern(32, 32, 13 * i + 1), 32, 32));
            mnistm.Add($"{i:D8}.png {i % 10}");
        }
        File.WriteAllLines(root["svhn/train.csv"], svhn);
        File.WriteAllLines(root["mnist_m/mnist_m_train_labels.txt"], mnistm);
    }

    [Fact]
    public void TinyStudyOnRealDataLayoutsUsesThemEverywhere()
    {
        using var data = new TempDir();
        using var dir = new TempDir();
        WriteDataRoot(data);
        var (code, _, err) = CliTests.Run("reproduce", "--size", "tiny", "--jobs", "1", "--data-root", data.Path, "--out", dir.Path);
        Assert.True(code == 0, err);
        var md = File.ReadAllText(dir["index.md"]);
        Assert.Contains($"Data: data root {data.Path}; faces celeba, digit domains svhn and mnistm.", md);
        Assert.DoesNotContain("embedded synthetic data", md);
        Assert.DoesNotContain("is missing", md);
        Assert.Contains("| method | svhn → mnistm | mnistm → svhn | the study: SVHN → MNIST-M (real data) | the study: MNIST-M → SVHN (real data) |", md);
        Assert.Matches(@"\| dann \| [0-9.]+ \| [0-9.]+ \| 42\.03 \| 40\.38 \|", md);
        // The study had all of SVHN's training images; the note beside the table says how many this run had.
        var svhn = Regex.Match(md, @"SVHN here: (\d+) training images from " + Regex.Escape(Path.Combine(data.Path, "svhn")) +
                                   @" \(evaluation: svhn held-out 10 % of train \((\d+) images, seed 2024, never trained on\)\)");
        Assert.True(svhn.Success, "no SVHN sentence");
        Assert.Equal(160, int.Parse(svhn.Groups[1].Value) + int.Parse(svhn.Groups[2].Value)); // every SVHN file either trained on or held out
        Assert.Matches(@"svhn held-out 10 % of train \(\d+ images, seed 2024, never trained on\)", md);
        Assert.Contains("the study trained on SVHN's 73,257", md);
        // The real-data recipe: colour jitter on labelled MNIST-M, joint batch-norm statistics.
        Assert.Contains("\"color_jitter_on_mnistm\": true", md);
        Assert.Contains("\"batch_norm\": \"Joint\"", md);
        // The UDA backbone's fine-tuning rate is the size's, in the recipe and in the UDA section's words (tiny keeps the study's 2e-4).
        Assert.Contains("\"finetune_lr\": 0.0002", md);
        Assert.Contains("fine-tuning layer2 to layer4 at a backbone learning rate of 2e-4;", md);
        Assert.Contains("svhn → mnistm: DANN", md);
        Assert.Contains("(target: at most 5x)", md); // CelebA's target (issue 16), not the embedded faces' 3x
        var images = Regex.Matches(md, @"!\[[^\]]*\]\(([^)]+)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, images.Count);
        foreach (var image in images) Assert.True(ImageCodec.IsValidPng(Path.Combine(dir.Path, image)), $"{image} is not a valid PNG");
        // Labelled SVHN images are shifted (chosen on held-out SVHN images), MNIST-M's are not: in the recipe, the table's note and each part's key.
        Assert.Contains("\"shift_on_svhn\": 2", md);
        Assert.Contains("labelled SVHN images shifted by up to 2 pixels each way", md);
        foreach (var (part, shift) in new[] { ("dann-svhn-to-mnistm-dann", 2), ("dann-svhn-to-mnistm-mean-teacher", 2), ("dann-mnistm-to-svhn-target-only", 2),
                                              ("dann-mnistm-to-svhn-dann", 0), ("dann-svhn-to-mnistm-target-only", 0) })
        {
            var done = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "parts", part, "done.json")))!;
            Assert.Equal(shift, (int?)done["settings"]!["shift"] ?? 0);
        }
    }
}
