using Adversa.Common;
using Adversa.Data.Readers;
using Adversa.Data.Synthetic;

namespace Adversa.Data;

/// <summary>What a dataset holds.</summary>
public enum DatasetKind
{
    /// <summary>Labelled digit images (10 classes).</summary>
    Digits,
    /// <summary>Face images with binary attributes.</summary>
    Faces,
}

/// <summary>What the catalog knows about one dataset name.</summary>
public sealed record DatasetInfo(string Name, string Folder, DatasetKind Kind, bool Synthetic, string Description, string Layouts);

/// <summary>What to load: a dataset name, a split, and optionally only the first <c>Limit</c> images.</summary>
public sealed record DatasetRequest(string Name, string Split = "train", int? Limit = null, string? DataRoot = null, long Seed = 0);

/// <summary>
/// Resolves dataset names to <see cref="ImageSet"/>s. A data root holds one folder per dataset, named as in
/// <c>shared/data</c> (mnist, mnist_m, svhn, usps, celeba); each folder may use any layout listed in <see cref="All"/>.
/// </summary>
public static class DatasetCatalog
{
    /// <summary>How many synthetic digits and faces are generated when no <c>--limit</c> is given.</summary>
    public const int DefaultSyntheticDigits = 10_000, DefaultSyntheticFaces = 5_000;

    /// <summary>Every dataset Adversa reads, with its layouts.</summary>
    public static readonly IReadOnlyList<DatasetInfo> All =
    [
        new("mnist", "mnist", DatasetKind.Digits, false, "MNIST handwritten digits, 28x28 grey",
            "train-images-idx3-ubyte[.gz] + train-labels-idx1-ubyte[.gz] (test: t10k-*); or course layout train/ + train.csv"),
        new("mnistm", "mnist_m", DatasetKind.Digits, false, "MNIST-M: MNIST digits blended over colour patches, 32x32 RGB",
            "mnist_m_train/ or mnist_m_train.zip + mnist_m_train_labels.txt (test likewise); or course layout"),
        new("svhn", "svhn", DatasetKind.Digits, false, "SVHN cropped house-number digits, 32x32 RGB",
            "train_32x32.mat / test_32x32.mat (MATLAB v5); or course layout train/ + train.csv"),
        new("usps", "usps", DatasetKind.Digits, false, "USPS handwritten digits, 16x16 grey",
            "usps.h5 or usps_train.h5 (HDF5 groups /train, /test with data [N,256] and target [N])"),
        new("celeba", "celeba", DatasetKind.Faces, false, "CelebA aligned faces with 40 binary attributes (cropped and resized to 64x64)",
            "img_align_celeba/*.jpg + list_attr_celeba.txt [+ list_eval_partition.txt]; or course layout train/ + train.csv with attribute columns"),
        new("synth-svhn", "", DatasetKind.Digits, true, "embedded house-number-like digits: thick strokes on colour, neighbouring-digit clutter", "generated, no files"),
        new("synth-mnistm", "", DatasetKind.Digits, true, "embedded MNIST-M-like digits: thin strokes blended over colour textures", "generated, no files"),
        new("synth-faces", "", DatasetKind.Faces, true, "embedded 64x64 faces with attributes Smiling, Eyeglasses, Blond_Hair, Male", "generated, no files"),
    ];

    /// <summary>The dataset named <paramref name="name"/>; a one-line error with the known names (and a close match) otherwise.</summary>
    public static DatasetInfo Info(string name) =>
        All.FirstOrDefault(d => d.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new AdversaException($"unknown dataset '{name}'; known: {string.Join(", ", All.Select(d => d.Name))}");

    /// <summary>--data-root, else $ADVERSA_DATA_ROOT, else ./data.</summary>
    public static string ResolveRoot(string? dataRoot) =>
        Path.GetFullPath(dataRoot ?? Environment.GetEnvironmentVariable("ADVERSA_DATA_ROOT") ?? "data");

    /// <summary>Loads a dataset (real files under the data root, or generated) as requested.</summary>
    public static ImageSet Load(DatasetRequest request)
    {
        var set = LoadUncollected(request);
        // Decoding leaves megabytes of managed buffers and freed native pages behind; give them back once,
        // so the cache costs about its raw size in resident memory.
        MemoryHygiene.Run(HygieneMode.GcAndTrim, aggressive: true);
        return set;
    }

    static ImageSet LoadUncollected(DatasetRequest request)
    {
        var info = Info(request.Name);
        if (request.Split is not ("train" or "test" or "valid" or "all"))
            throw new AdversaException($"split must be train, test, valid or all, not '{request.Split}'");
        if (request.Limit is <= 0) throw new AdversaException($"--limit must be positive, got {request.Limit}");
        if (info.Synthetic)
        {
            var split = FileSplit(request.Split);
            return info.Name switch
            {
                "synth-svhn" => SynthDigits.Generate(DigitStyle.Svhn, request.Limit ?? Default(split, DefaultSyntheticDigits), request.Seed, split),
                "synth-mnistm" => SynthDigits.Generate(DigitStyle.MnistM, request.Limit ?? Default(split, DefaultSyntheticDigits), request.Seed, split),
                _ => SynthFaces.Generate(request.Limit ?? Default(split, DefaultSyntheticFaces), request.Seed, split),
            };
        }
        var root = ResolveRoot(request.DataRoot);
        var folder = Path.Combine(root, info.Folder);
        if (!Directory.Exists(folder))
            throw new AdversaException($"{folder}: dataset folder not found (data root {root}; expected one of: {info.Layouts}; try 'adversa data download {info.Name} --root {root}')");
        return info.Name switch
        {
            "mnist" => LoadMnist(folder, request),
            "mnistm" => LoadMnistM(folder, request),
            "svhn" => LoadSvhn(folder, request),
            "usps" => LoadUsps(folder, request),
            "celeba" => LoadCelebA(folder, request),
            _ => throw new InvalidOperationException(info.Name),
        };
    }

    /// <summary>
    /// Whether the data root holds the <paramref name="split"/> split of dataset <paramref name="name"/> in a layout Adversa
    /// reads (a synthetic dataset generates every split). Domain adaptation evaluates on a real dataset's test split when it
    /// is there, and on a held-out part of its training files otherwise.
    /// </summary>
    public static bool HasSplit(string name, string split, string? dataRoot)
    {
        var info = Info(name);
        if (info.Synthetic) return true;
        var folder = Path.Combine(ResolveRoot(dataRoot), info.Folder);
        if (!Directory.Exists(folder)) return false;
        if (CourseFiles(folder, split).Images is not null) return true;
        return info.Name switch
        {
            "mnist" => MnistFiles(folder, split) is not null,
            "mnistm" => MnistMReader.Exists(folder, FileSplit(split)),
            "svhn" => File.Exists(SvhnMat(folder, split)),
            "usps" => UspsFile(folder, split) is not null,
            _ => CelebAReader.Exists(folder),
        };
    }

    static int Default(string split, int trainCount) => split == "test" ? trainCount / 5 : trainCount;

    /// <summary>The file split a request reads: "test" for test, "train" for every other split (train, valid, all).</summary>
    static string FileSplit(string split) => split == "test" ? "test" : "train";

    /// <summary>The idx image and label files of an MNIST split (test: t10k-*), or null when either is missing.</summary>
    static (string Images, string Labels)? MnistFiles(string folder, string split)
    {
        var prefix = split == "test" ? "t10k" : "train";
        var images = FindOne(folder, $"{prefix}-images-idx3-ubyte", $"{prefix}-images-idx3-ubyte.gz", $"{prefix}-images.idx3-ubyte");
        var labels = FindOne(folder, $"{prefix}-labels-idx1-ubyte", $"{prefix}-labels-idx1-ubyte.gz", $"{prefix}-labels.idx1-ubyte");
        return images is null || labels is null ? null : (images, labels);
    }

    static string SvhnMat(string folder, string split) => Path.Combine(folder, $"{FileSplit(split)}_32x32.mat");

    static string? UspsFile(string folder, string split) => FindOne(folder, "usps.h5", $"usps_{FileSplit(split)}.h5");

    static ImageSet LoadMnist(string folder, DatasetRequest r)
    {
        if (MnistFiles(folder, r.Split) is not var (images, labels))
            return CourseDigits("mnist", folder, r, 28, 1) ?? throw Missing(folder, r, "mnist");
        var pixels = IdxReader.ReadImages(images);
        var digits = IdxReader.ReadLabels(labels);
        if (pixels.shape[0] != digits.shape[0])
        {
            var message = $"{digits.shape[0]} labels for the {pixels.shape[0]} images in {images}; every image needs exactly one label";
            pixels.Dispose(); digits.Dispose();
            throw new DataFormatException(labels, message);
        }
        return new ImageSet("mnist", pixels, digits).Take(r.Limit);
    }

    static ImageSet LoadMnistM(string folder, DatasetRequest r)
    {
        var split = FileSplit(r.Split);
        if (MnistMReader.Exists(folder, split)) return MnistMReader.Read(folder, split, r.Limit);
        return CourseDigits("mnistm", folder, r, 32, 3) ?? throw Missing(folder, r, "mnistm");
    }

    static ImageSet LoadSvhn(string folder, DatasetRequest r)
    {
        var mat = SvhnMat(folder, r.Split);
        if (File.Exists(mat)) return SvhnMatReader.Read(mat, r.Limit);
        return CourseDigits("svhn", folder, r, 32, 3) ?? throw Missing(folder, r, "svhn");
    }

    static ImageSet LoadUsps(string folder, DatasetRequest r)
    {
        var file = UspsFile(folder, r.Split) ?? throw Missing(folder, r, "usps");
        return UspsReader.Read(file, FileSplit(r.Split), r.Limit);
    }

    static ImageSet LoadCelebA(string folder, DatasetRequest r)
    {
        if (CelebAReader.Exists(folder)) return CelebAReader.Read(folder, r.Split, 64, r.Limit);
        var (images, csv) = CourseFiles(folder, r.Split);
        if (images is null) throw Missing(folder, r, "celeba");
        return CsvFolderReader.ReadAttributes("celeba", images, csv!, r.Limit, (hwc, w, h) => CelebAReader.CropResize(hwc, w, h, 64), 64);
    }

    static ImageSet? CourseDigits(string name, string folder, DatasetRequest r, int size, int channels)
    {
        var (images, csv) = CourseFiles(folder, r.Split);
        return images is null ? null : CsvFolderReader.ReadDigits(name, images, csv!, size, channels, r.Limit);
    }

    /// <summary>The course layout: &lt;split&gt;/ + &lt;split&gt;.csv.</summary>
    static (string? Images, string? Csv) CourseFiles(string folder, string split)
    {
        var s = split == "test" ? "test" : split == "valid" ? "valid" : "train";
        var images = Path.Combine(folder, s);
        var csv = Path.Combine(folder, s + ".csv");
        return Directory.Exists(images) && File.Exists(csv) ? (images, csv) : (null, null);
    }

    static string? FindOne(string folder, params string[] names) =>
        names.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);

    static AdversaException Missing(string folder, DatasetRequest r, string name) =>
        new($"{folder}: no supported layout for split '{r.Split}' of {name}; expected {Info(name).Layouts}");
}
