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
        var (code, output, err) = CliTests.Run("reproduce", "--size", "tiny", "--out", dir.Path);
        Assert.True(code == 0, err);
        var md = File.ReadAllText(dir["index.md"]);
        foreach (var section in new[] { "1. Architectures", "2. DCGAN: 32 random faces", "GAN metrics", "3. ACGAN: Smiling off (top) and on (bottom)",
                                         "Attribute control", "4. Domain adaptation: target accuracy (%)", "5. Latent space (t-SNE)", "6. Improved UDA",
                                         "7. Settings, versions and run times" })
            Assert.Contains(section, md);
        foreach (var row in new[] { "| source-only |", "| dann |", "| target-only |", "| source-only + AdaBN |", "| dann + AdaBN |", "| FID-ResNet18 |", "| Smiling |", "| improved UDA (ResNet18) |" })
            Assert.Contains(row, md);
        var images = Regex.Matches(md, @"!\[[^\]]*\]\(([^)]+)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.DoesNotContain("not yet implemented", md);
        Assert.Equal(7, images.Count); // faces, DCGAN loss, pairs, ACGAN loss, DANN t-SNE figures (source-only, dann), UDA t-SNE
        foreach (var image in images) Assert.True(ImageCodec.IsValidPng(Path.Combine(dir.Path, image)), $"{image} is not a valid PNG");
        var html = File.ReadAllText(dir["index.html"]);
        Assert.Equal(7, Regex.Matches(html, "src=\"data:image/png;base64,").Count);

        (code, output, err) = CliTests.Run("reproduce", "--size", "tiny", "--out", dir.Path);
        Assert.True(code == 0, err);
        Assert.Contains("| dcgan | ", File.ReadAllText(dir["index.md"]));
        Assert.Contains("| yes |", File.ReadAllText(dir["index.md"]));

        // A part finished under other settings is trained again from scratch, never resumed from its old checkpoint.
        var part = Directory.GetDirectories(Path.Combine(dir.Path, "parts"), "dann-*-dann").First();
        var marker = Path.Combine(part, "done.json");
        File.WriteAllText(marker, File.ReadAllText(marker).Replace("\"settings\": \"", "\"settings\": \"older "));
        Assert.Contains("older", File.ReadAllText(marker));
        File.WriteAllText(Path.Combine(part, "checkpoint.zip"), "not a checkpoint");
        (code, output, err) = CliTests.Run("reproduce", "--size", "tiny", "--out", dir.Path);
        Assert.True(code == 0, err);
        Assert.DoesNotContain("older", File.ReadAllText(marker));
        Assert.Equal("PK"u8.ToArray(), File.ReadAllBytes(Path.Combine(part, "checkpoint.zip"))[..2]); // a zip again: retrained, not resumed
    }
}
