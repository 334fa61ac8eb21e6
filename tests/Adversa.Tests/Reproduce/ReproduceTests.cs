using System.Text.RegularExpressions;
using Adversa.Data;
using Adversa.Tests.Cli;
using Adversa.Tests.Fixtures;

namespace Adversa.Tests.Reproduce;

public class ReproduceTests
{
    [Fact]
    public void TinyReproductionWritesEverySectionWithValidFiguresAndReusesFinishedParts()
    {
        using var dir = new TempDir();
        using var logs = new TempDir();
        var (code, output, err) = CliTests.Run("reproduce", "--size", "tiny", "--out", dir.Path, "--logdir", logs.Path);
        Assert.True(code == 0, err);
        // TensorBoard: every training run of both part processes writes its own folder (2 GANs; per direction 4 digit runs and UDA).
        var runs = Directory.GetDirectories(logs.Path).Select(Path.GetFileName).ToArray();
        Assert.Equal(12, runs.Length);
        Assert.Contains("dcgan", runs);
        Assert.Contains("uda-synth-mnistm-to-synth-svhn", runs);
        Assert.All(Directory.GetDirectories(logs.Path), d => Assert.NotEmpty(Directory.GetFiles(d, "events.out.tfevents.*")));
        var md = File.ReadAllText(dir["index.md"]);
        foreach (var section in new[] { "1. Architectures, as trained", "2. DCGAN: 32 random faces", "GAN metrics", "3. ACGAN: Smiling off (top) and on (bottom)",
                                         "Attribute control", "4. Domain adaptation: target accuracy (%)", "5. Latent space (t-SNE)", "6. Improved UDA",
                                         "ACGAN image quality", "7. Settings, versions and run times" })
            Assert.Contains(section, md);
        foreach (var row in new[] { "| source-only |", "| dann |", "| target-only |", "| source-only + AdaBN |", "| dann + AdaBN |", "| FID-ResNet18 |", "| Smiling |", "| improved UDA (ResNet18) |", "| mean teacher (beyond the study) |", "| mean teacher + AdaBN |" })
            Assert.Contains(row, md);
        // Both directions, and the study's own numbers beside ours, marked as measured on real data by the study.
        Assert.Contains("| method | synth-svhn → synth-mnistm | synth-mnistm → synth-svhn | the study: SVHN → MNIST-M (real data) | the study: MNIST-M → SVHN (real data) |", md);
        Assert.Matches(@"\| source-only \| [0-9.]+ \| [0-9.]+ \| 38\.43 \| 38\.20 \|", md);
        Assert.Matches(@"\| dann \| [0-9.]+ \| [0-9.]+ \| 42\.03 \| 40\.38 \|", md);
        Assert.Matches(@"\| improved UDA \(ResNet18\) \| [0-9.]+ \| [0-9.]+ \| 53\.20 \| 56\.22 \|", md);
        // each column's evaluation noise, from the count of target evaluation images behind it (the tiny size's test splits: 100 images, 0.5/sqrt(100))
        Assert.Contains("a standard error of up to ±5.0 points for synth-svhn → synth-mnistm (100 images) and ±5.0 points for synth-mnistm → synth-svhn (100 images)", md);
        // Layer by layer as trained: the tiny size's GAN is 8 wide, and DANN's heads are listed layer by layer.
        Assert.Contains("main.3       ConvTranspose2d    32x8x8", md);
        Assert.Contains("DANN class classifier (on the 800-d latent)", md);
        Assert.Contains("UDA head on the layer4 map (512x1x1)", md);
        // A verdict under each result; at the tiny size nothing trains far, so the flags must be there, in words.
        Assert.Contains("synth-svhn → synth-mnistm: DANN", md);
        Assert.Contains("synth-mnistm → synth-svhn: DANN", md);
        Assert.Contains("mean teacher, beyond the study, reaches", md);
        Assert.Contains("recalibrated on the target's unlabelled training images (AdaBN: no labels) it reaches", md);
        Assert.Contains("⚠ FID is", md);
        Assert.Equal(2, Regex.Matches(md, @"\| FID-ResNet18 \|").Count); // DCGAN and ACGAN
        Assert.Equal(2, Regex.Matches(md, @"For scale, real faces scored the same way after known damage: a 3x3 box blur \d+ \([\d.]+x the floor\)").Count);
        Assert.Contains("(target: at most 3x)", md);
        Assert.Contains("⚠ The judge classifies Smiling on real held-out faces with only", md);
        Assert.Contains("Data: Adversa's embedded synthetic data", md);
        Assert.Contains("adversa reproduce --data-root DIR", md);
        var images = Regex.Matches(md, @"!\[[^\]]*\]\(([^)]+)\)").Select(m => m.Groups[1].Value).ToList();
        // faces, DCGAN loss, pairs, ACGAN loss, and t-SNE of source-only, DANN and UDA in both directions
        Assert.Equal(10, images.Count);
        Assert.Equal(6, images.Count(i => i.Contains("tsne")));
        foreach (var image in images) Assert.True(ImageCodec.IsValidPng(Path.Combine(dir.Path, image)), $"{image} is not a valid PNG");
        var html = File.ReadAllText(dir["index.html"]);
        Assert.Equal(10, Regex.Matches(html, "src=\"data:image/png;base64,").Count);
        // The UDA parts keep no checkpoint (it repeats the pretrained backbone and nothing reads it later).
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(dir.Path, "parts"), "checkpoint.zip", SearchOption.AllDirectories), f => f.Contains("uda-"));
        // Paths in the stored results are relative to the report: a moved report still finds its own files.
        Assert.DoesNotContain(dir.Path, File.ReadAllText(Path.Combine(dir.Path, "parts", "dcgan", "done.json")));
        // The embedded recipe shifts nothing, and a setting at its default stays out of the parts' keys (older report folders keep their parts).
        Assert.DoesNotContain("\"shift\"", File.ReadAllText(Path.Combine(dir.Path, "parts", "dann-synth-svhn-to-synth-mnistm-dann", "done.json")));
        Assert.Contains("\"shift_on_svhn\": 0", md);

        // Moved elsewhere and run again (in this process, --jobs 1): every part is reused from the moved folder's own files.
        using var moved = new TempDir();
        var report = Path.Combine(moved.Path, "report");
        Directory.Move(dir.Path, report);
        (code, output, err) = CliTests.Run("reproduce", "--size", "tiny", "--jobs", "1", "--out", report);
        Assert.True(code == 0, err);
        var rerun = File.ReadAllText(Path.Combine(report, "index.md"));
        Assert.Contains("| dcgan | ", rerun);
        Assert.Contains("| yes |", rerun);
        Assert.DoesNotContain("| no |", rerun);
        Assert.Matches(@"and reused (\d+) of \1 parts finished by an earlier run", rerun); // the headline does not pass the rerun's minutes off as the study's
        Assert.DoesNotContain("parts finished by an earlier run", md);
        Assert.Contains("(ResNet18) | " + Regex.Match(md, @"\| improved UDA \(ResNet18\) \| ([0-9.]+)").Groups[1].Value, rerun);
        Directory.Move(report, dir.Path);

        // A part finished under other settings is trained again from scratch, never resumed from its old checkpoint.
        var part = Directory.GetDirectories(Path.Combine(dir.Path, "parts"), "dann-*-dann").First();
        var marker = Path.Combine(part, "done.json");
        File.WriteAllText(marker, File.ReadAllText(marker).Replace("\"settings\": {", "\"settings\": { \"older\": true,"));
        File.WriteAllText(Path.Combine(part, "checkpoint.zip"), "not a checkpoint");
        (code, output, err) = CliTests.Run("reproduce", "--size", "tiny", "--out", dir.Path);
        Assert.True(code == 0, err);
        Assert.DoesNotContain("older", File.ReadAllText(marker));
        Assert.Equal("PK"u8.ToArray(), File.ReadAllBytes(Path.Combine(part, "checkpoint.zip"))[..2]); // a zip again: retrained, not resumed
    }
}
