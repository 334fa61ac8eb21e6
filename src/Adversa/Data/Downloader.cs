using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Adversa.Common;

namespace Adversa.Data;

/// <summary>One file of a dataset's official public release, with its published MD5.</summary>
public sealed record RemoteFile(string Url, string FileName, string Md5);

/// <summary>
/// Downloads official dataset files into &lt;root&gt;/&lt;folder&gt;/ with checksum verification and resume:
/// bytes go to <c>name.part</c>; a rerun asks the server for the rest with an HTTP Range request, and only a
/// file whose MD5 matches is renamed into place.
/// </summary>
public static class Downloader
{
    /// <summary>Sources for datasets that have a stable direct-download release. The others are explained in <see cref="ManualInstructions"/>.</summary>
    public static readonly IReadOnlyDictionary<string, RemoteFile[]> Sources = new Dictionary<string, RemoteFile[]>
    {
        ["mnist"] =
        [
            new("https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz", "train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            new("https://ossci-datasets.s3.amazonaws.com/mnist/train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
            new("https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
            new("https://ossci-datasets.s3.amazonaws.com/mnist/t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
        ],
        ["svhn"] =
        [
            new("http://ufldl.stanford.edu/housenumbers/train_32x32.mat", "train_32x32.mat", "e26dedcc434d2e4c54c9b2d4a06d8373"),
            new("http://ufldl.stanford.edu/housenumbers/test_32x32.mat", "test_32x32.mat", "eb5a983be6a315427106f1b164d9cef3"),
        ],
    };

    /// <summary>For datasets without an official direct download: where to get them and where to put them.</summary>
    public static readonly IReadOnlyDictionary<string, string> ManualInstructions = new Dictionary<string, string>
    {
        ["mnistm"] = "MNIST-M is distributed through Google Drive by its authors (Ganin & Lempitsky) and has no stable direct link: download mnist_m.tar.gz from the DANN project page and unpack it into <root>/mnist_m/ (mnist_m_train/, mnist_m_train_labels.txt, ...).",
        ["celeba"] = "CelebA is distributed through Google Drive / Baidu after accepting its licence: put img_align_celeba/ (or img_align_celeba.zip), list_attr_celeba.txt and list_eval_partition.txt into <root>/celeba/.",
        ["usps"] = "USPS as usps.h5 (groups /train and /test) is shared on Kaggle ('USPS dataset'), which needs a login: put usps.h5 into <root>/usps/.",
    };

    /// <summary>Downloads every file of <paramref name="dataset"/>; <paramref name="baseUrl"/> replaces each URL's folder (a mirror).</summary>
    public static async Task<IReadOnlyList<string>> DownloadAsync(string dataset, string root, HttpClient http, IProgressSink progress,
                                                                  string? baseUrl = null, IReadOnlyList<RemoteFile>? files = null,
                                                                  CancellationToken ct = default)
    {
        var info = DatasetCatalog.Info(dataset);
        if (files is null && !Sources.TryGetValue(info.Name, out var known))
        {
            var why = info.Synthetic ? $"{info.Name} is generated on the fly and needs no download"
                      : ManualInstructions.GetValueOrDefault(info.Name, "no direct source known").Replace("<root>", root);
            throw new AdversaException($"{info.Name} cannot be downloaded automatically: {why}");
        }
        var folder = Path.Combine(root, info.Folder);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var f in files ?? Sources[info.Name])
        {
            var url = baseUrl is null ? f.Url : $"{baseUrl.TrimEnd('/')}/{f.FileName}";
            written.Add(await DownloadFileAsync(url, Path.Combine(folder, f.FileName), f.Md5, http, progress, ct));
        }
        return written;
    }

    /// <summary>Downloads <paramref name="url"/> to <paramref name="target"/> (resuming a partial file) and checks its MD5; returns the path.</summary>
    public static async Task<string> DownloadFileAsync(string url, string target, string md5, HttpClient http, IProgressSink progress, CancellationToken ct = default)
    {
        if (File.Exists(target))
        {
            if (Md5Of(target) == md5) return target;
            throw new AdversaException($"{target}: exists but its MD5 is not {md5}; delete it to download again");
        }
        var part = target + ".part";
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
        {
            // The part file is already complete (or longer than the file): verify it below.
        }
        else
        {
            if (!response.IsSuccessStatusCode)
                throw new AdversaException($"{url}: download failed with HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
            if (!resumed) have = 0;
            long? total = response.Content.Headers.ContentLength is long len ? len + have : null;
            progress.Start($"download {Path.GetFileName(target)}{(resumed ? " (resumed)" : "")}", total ?? 0, "byte");
            await using (var output = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write))
            await using (var input = await response.Content.ReadAsStreamAsync(ct))
            {
                var buffer = new byte[1 << 16];
                long done = have;
                int n;
                while ((n = await input.ReadAsync(buffer, ct)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, n), ct);
                    done += n;
                    progress.Update(done);
                }
            }
            progress.Finish();
        }
        var actual = Md5Of(part);
        if (actual != md5)
        {
            File.Delete(part);
            throw new AdversaException($"{url}: checksum mismatch (MD5 {actual}, expected {md5}); the partial file was deleted, run the command again");
        }
        File.Move(part, target, overwrite: true);
        return target;
    }

    /// <summary>The MD5 of a file, as lowercase hex.</summary>
    public static string Md5Of(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(s));
    }
}
