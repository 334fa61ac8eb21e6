using System.Net;
using System.Security.Cryptography;
using Adversa.Common;
using Adversa.Data;
using Adversa.Tests.Fixtures;

using static Adversa.Tests.Fixtures.TensorAssert;

namespace Adversa.Tests.Data;

/// <summary>Downloads from a local HTTP server on 127.0.0.1 serving fixture bytes, with Range support.</summary>
public sealed class DownloaderTests : IDisposable
{
    readonly HttpListener _listener = new();
    readonly byte[] _payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
    readonly string _baseUrl;
    public readonly List<string?> RangesSeen = [];

    public DownloaderTests()
    {
        int port = 0;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            port = Random.Shared.Next(20_000, 60_000);
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try { _listener.Start(); break; } catch (HttpListenerException) { }
        }
        _baseUrl = $"http://127.0.0.1:{port}/files";
        _ = Task.Run(Serve);
    }

    async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); } catch { return; }
            var range = ctx.Request.Headers["Range"];
            lock (RangesSeen) RangesSeen.Add(range);
            if (!ctx.Request.Url!.AbsolutePath.EndsWith("/data.bin")) { ctx.Response.StatusCode = 404; ctx.Response.Close(); continue; }
            long start = 0;
            if (range is not null) { start = long.Parse(range["bytes=".Length..].TrimEnd('-')); ctx.Response.StatusCode = 206; }
            ctx.Response.ContentLength64 = _payload.Length - start;
            await ctx.Response.OutputStream.WriteAsync(_payload.AsMemory((int)start));
            ctx.Response.Close();
        }
    }

    string Md5 => Convert.ToHexStringLower(MD5.HashData(_payload));

    [Fact]
    public async Task DownloadsAndVerifies()
    {
        using var dir = new TempDir();
        using var http = new HttpClient();
        var target = dir["data.bin"];
        await Downloader.DownloadFileAsync($"{_baseUrl}/data.bin", target, Md5, http, NullProgress.Instance);
        Assert.Equal(_payload, File.ReadAllBytes(target));
        Assert.False(File.Exists(target + ".part"));
    }

    [Fact]
    public async Task ResumesFromPartialFileWithRangeRequest()
    {
        using var dir = new TempDir();
        using var http = new HttpClient();
        var target = dir["data.bin"];
        File.WriteAllBytes(target + ".part", _payload[..123_456]);
        await Downloader.DownloadFileAsync($"{_baseUrl}/data.bin", target, Md5, http, NullProgress.Instance);
        Assert.Equal(_payload, File.ReadAllBytes(target));
        Assert.Contains("bytes=123456-", RangesSeen);
    }

    [Fact]
    public async Task ChecksumMismatchDeletesPartAndSaysSo()
    {
        using var dir = new TempDir();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<AdversaException>(() =>
            Downloader.DownloadFileAsync($"{_baseUrl}/data.bin", dir["data.bin"], new string('0', 32), http, NullProgress.Instance));
        Assert.Contains("checksum mismatch", e.Message);
        Assert.False(File.Exists(dir["data.bin"]));
        Assert.False(File.Exists(dir["data.bin.part"]));
    }

    [Fact]
    public async Task DatasetDownloadUsesMirrorAndDatasetFolder()
    {
        using var dir = new TempDir();
        using var http = new HttpClient();
        var files = await Downloader.DownloadAsync("svhn", dir.Path, http, NullProgress.Instance, _baseUrl,
                                                   [new RemoteFile("unused", "data.bin", Md5)]);
        Assert.Equal(Path.Combine(dir.Path, "svhn", "data.bin"), files.Single());
    }

    [Fact]
    public async Task HttpErrorIsOneClearMessage()
    {
        using var dir = new TempDir();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<AdversaException>(() =>
            Downloader.DownloadFileAsync($"{_baseUrl}/nope.bin", dir["nope.bin"], Md5, http, NullProgress.Instance));
        Assert.Contains("HTTP 404", e.Message);
    }

    [Fact]
    public async Task ManualDatasetsExplainWhereToGetThem()
    {
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<AdversaException>(() => Downloader.DownloadAsync("celeba", "/tmp/x", http, NullProgress.Instance));
        Assert.Contains("list_attr_celeba.txt", e.Message);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
