using Adversa.Common;
using Adversa.Data.Readers;
using Adversa.Tests.Cli;
using Adversa.Tests.Fixtures;

namespace Adversa.Tests.Data;

/// <summary>
/// Input files that would mislead training are refused with one line naming the file, through the CLI as a user
/// meets them (exit code 2); what Adversa decided for each is in the README's data section.
/// </summary>
public class InputFileTests
{
    static (int Code, string Err) Info(string dataset, string root)
    {
        var (code, _, err) = CliTests.Run("data", "info", dataset, "--data-root", root);
        return (code, err);
    }

    static void AssertOneLine(int code, string err, params string[] fragments)
    {
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.DoesNotContain('\0', err);
        foreach (var f in fragments) Assert.Contains(f, err);
    }

    [Fact]
    public void MnistWithFewerLabelsThanImagesNamesTheLabelFile()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["mnist"]);
        IdxReader.WriteImages(dir["mnist/train-images-idx3-ubyte"], new byte[6 * 28 * 28], 6, 28, 28);
        IdxReader.WriteLabels(dir["mnist/train-labels-idx1-ubyte"], [1, 2, 3, 4, 5]);
        var (code, err) = Info("mnist", dir.Path);
        AssertOneLine(code, err, "train-labels-idx1-ubyte: 5 labels for the 6 images in", "train-images-idx3-ubyte");
    }

    static void CelebA(TempDir dir, int count = 3)
    {
        Directory.CreateDirectory(dir["celeba/img_align_celeba"]);
        var lines = new List<string> { count.ToString(), "Smiling Male" };
        for (int i = 1; i <= count; i++)
        {
            File.WriteAllBytes(dir[$"celeba/img_align_celeba/00000{i}.jpg"], Images.Jpeg(Images.Pattern(178, 218, i), 178, 218));
            lines.Add($"00000{i}.jpg 1 -1");
        }
        File.WriteAllLines(dir["celeba/list_attr_celeba.txt"], lines);
        File.WriteAllLines(dir["celeba/list_eval_partition.txt"], Enumerable.Range(1, count).Select(i => $"00000{i}.jpg 0"));
    }

    [Fact]
    public void ATruncatedJpegIsAnErrorNamingTheFile()
    {
        using var dir = new TempDir();
        CelebA(dir);
        Assert.Equal(0, Info("celeba", dir.Path).Code);
        var bad = dir["celeba/img_align_celeba/000002.jpg"];
        var bytes = File.ReadAllBytes(bad);
        File.WriteAllBytes(bad, bytes[..(bytes.Length / 3)]); // stb decodes this without complaint, the rest grey
        var (code, err) = Info("celeba", dir.Path);
        AssertOneLine(code, err, "000002.jpg: truncated JPEG");
    }

    [Fact]
    public void ATruncatedPngMessageIsOnePrintableLine()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["mnist_m/mnist_m_train"]);
        var lines = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            File.WriteAllBytes(dir[$"mnist_m/mnist_m_train/{i}.png"], Images.Png(Images.Pattern(32, 32, i), 32, 32));
            lines.Add($"{i}.png {i}");
        }
        File.WriteAllLines(dir["mnist_m/mnist_m_train_labels.txt"], lines);
        var bad = dir["mnist_m/mnist_m_train/1.png"];
        File.WriteAllBytes(bad, File.ReadAllBytes(bad)[..60]);
        var (code, err) = Info("mnistm", dir.Path);
        AssertOneLine(code, err, "1.png: not a decodable PNG/JPEG image");
        Assert.DoesNotContain(err.Trim(), c => char.IsControl(c));
    }

    [Fact]
    public void AMnistMLabelFileListingFewerImagesThanItsFolderIsRefused()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["mnist_m/mnist_m_train"]);
        for (int i = 0; i < 4; i++) File.WriteAllBytes(dir[$"mnist_m/mnist_m_train/{i}.png"], Images.Png(Images.Pattern(32, 32, i), 32, 32));
        File.WriteAllLines(dir["mnist_m/mnist_m_train_labels.txt"], ["0.png 0", "1.png 1"]);
        var (code, err) = Info("mnistm", dir.Path);
        AssertOneLine(code, err, "mnist_m_train_labels.txt: lists 2 images but", "holds 4; every image needs a label line");
        // --limit asks for the first N listed images on purpose: then the rest of the folder is not needed.
        var (ok, _, err2) = CliTests.Run("data", "info", "mnistm", "--data-root", dir.Path, "--limit", "2");
        Assert.True(ok == 0, err2);
    }

    [Fact]
    public void AnImageListedTwiceIsRefusedWithBothLines()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["svhn/train"]);
        for (int i = 0; i < 3; i++) File.WriteAllBytes(dir[$"svhn/train/{i}.png"], Images.Png(Images.Pattern(32, 32, i), 32, 32));
        File.WriteAllLines(dir["svhn/train.csv"], ["image_name,label", "0.png,4", "1.png,0", "0.png,4"]);
        var (code, err) = Info("svhn", dir.Path);
        AssertOneLine(code, err, "train.csv:4: image '0.png' is listed twice (first on line 2)");

        Directory.CreateDirectory(dir["mnist_m/mnist_m_train"]);
        File.WriteAllBytes(dir["mnist_m/mnist_m_train/0.png"], Images.Png(Images.Pattern(32, 32, 0), 32, 32));
        File.WriteAllLines(dir["mnist_m/mnist_m_train_labels.txt"], ["0.png 0", "0.png 0"]);
        (code, err) = Info("mnistm", dir.Path);
        AssertOneLine(code, err, "mnist_m_train_labels.txt:2: image '0.png' is listed twice (first on line 1)");
    }

    [Fact]
    public void ANonSquareDigitIsRefusedAndASquareOneOfAnotherSizeIsResized()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["svhn/train"]);
        File.WriteAllBytes(dir["svhn/train/0.png"], Images.Png(Images.Pattern(32, 32, 0), 32, 32));
        File.WriteAllBytes(dir["svhn/train/1.png"], Images.Png(Images.Pattern(28, 28, 1), 28, 28));
        File.WriteAllLines(dir["svhn/train.csv"], ["image_name,label", "0.png,4", "1.png,0"]);
        var (ok, output, err) = CliTests.Run("data", "info", "svhn", "--data-root", dir.Path);
        Assert.True(ok == 0, err);
        Assert.Contains("2 images, 3x32x32", output);

        File.WriteAllBytes(dir["svhn/train/1.png"], Images.Png(Images.Pattern(40, 20, 1), 40, 20));
        var (code, err2) = Info("svhn", dir.Path);
        AssertOneLine(code, err2, "1.png: image is 40x20; digit images must be square");
    }

    [Fact]
    public void AClassMissingFromTheEvaluationPartIsReportedAsNotApplicableAndTheRunFinishes()
    {
        using var dir = new TempDir();
        // 40 MNIST-style course images of digits 0-4 only: the held-out part and the training part lack 5-9.
        Directory.CreateDirectory(dir["mnist/train"]);
        var rows = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            File.WriteAllBytes(dir[$"mnist/train/{i}.png"], Images.Png(Images.Pattern(28, 28, i, 1), 28, 28, 1));
            rows.Add($"{i}.png,{i % 5}");
        }
        File.WriteAllLines(dir["mnist/train.csv"], ["image_name,label", .. rows]);
        var run = dir["run"];
        var (code, output, err) = CliTests.Run("dann", "train", "--source", "mnist", "--target", "mnist", "--data-root", dir.Path, "--holdout", "0.3",
                                               "--batch", "8", "--epochs", "1", "--width", "4", "--threads", "1", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("9:n/a", output);
        var json = File.ReadAllText(Path.Combine(run, "result.json"));
        Assert.Contains("null", json);
        Assert.DoesNotContain("NaN", json);
        Assert.DoesNotContain("Infinity", json);
    }

    [Fact]
    public void AFullDiskIsOneErrorAndLeavesThePreviousFileAndNoTemporary()
    {
        using var dir = new TempDir();
        var path = dir["result.json"];
        File.WriteAllText(path, "previous");
        var e = Assert.Throws<AdversaException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100]);
            throw new IOException("No space left on device", 28);
        }));
        Assert.Contains("result.json: the disk is full", e.Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["result.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }
}
