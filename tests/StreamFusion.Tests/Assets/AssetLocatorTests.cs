using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using StreamFusion.Core.Assets;

namespace StreamFusion.Tests.Assets;

public class AssetLocatorTests
{
    [Fact]
    public async Task Finds_assets_in_the_asset_directory_before_the_cache()
    {
        using var assets = new TempDirectory();
        using var cache = new TempDirectory();
        Directory.CreateDirectory(assets.File("models"));
        Directory.CreateDirectory(cache.File("models"));
        File.WriteAllText(assets.File("models/x.onnx"), "local");
        File.WriteAllText(cache.File("models/x.onnx"), "cached");

        var locator = new AssetLocator([assets.Path], cache.Path);

        Assert.Equal(assets.File("models/x.onnx"), await locator.ResolveAsync("models/x.onnx", CancellationToken.None));
        Assert.Equal(assets.File("models/x.onnx"), await locator.ResolveUriAsync("asset:models/x.onnx", CancellationToken.None));
        Assert.Equal("/plain/path.mp4", await locator.ResolveUriAsync("/plain/path.mp4", CancellationToken.None));
    }

    [Fact]
    public async Task Downloads_into_the_cache_only_when_the_sha256_matches()
    {
        var payload = "model weights"u8.ToArray();
        using var server = new OneFileServer(payload);
        using var cache = new TempDirectory();
        var locator = new AssetLocator([], cache.Path);
        var good = new AssetEntry("models/m.onnx", Convert.ToHexStringLower(SHA256.HashData(payload)), server.Url, "test");
        var bad = good with { Name = "models/bad.onnx", Sha256 = new string('0', 64) };

        var path = await locator.DownloadAsync(good, CancellationToken.None);
        var error = await Assert.ThrowsAsync<AssetNotFoundException>(() => locator.DownloadAsync(bad, CancellationToken.None));

        Assert.Equal(payload, await File.ReadAllBytesAsync(path));
        Assert.Equal(cache.File("models/m.onnx"), path);
        Assert.Contains("expected 0000", error.Message);
        Assert.False(File.Exists(cache.File("models/bad.onnx")));
        Assert.False(File.Exists(cache.File("models/bad.onnx.partial")));
    }

    [Fact]
    public async Task An_unreachable_upstream_says_where_to_put_the_file()
    {
        using var cache = new TempDirectory();
        var locator = new AssetLocator(["/nowhere/assets"], cache.Path);
        var entry = new AssetEntry("models/m.onnx", new string('0', 64), "http://127.0.0.1:9/m.onnx", "test");

        var error = await Assert.ThrowsAsync<AssetNotFoundException>(() => locator.DownloadAsync(entry, CancellationToken.None));

        Assert.Contains("/nowhere/assets", error.Message);
        Assert.Contains("http://127.0.0.1:9/m.onnx", error.Message);
    }

    [Fact]
    public async Task The_bundled_assets_match_the_catalog_checksums()
    {
        foreach (var entry in AssetCatalog.Entries)
            Assert.Equal(entry.Sha256, await AssetLocator.Sha256Async(TestAssets.Path(entry.Name)));
    }

    /// <summary>Serves one file over HTTP on loopback, for the download path.</summary>
    private sealed class OneFileServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public OneFileServer(byte[] body)
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/file";
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    _ = await stream.ReadAsync(new byte[4096], _stop.Token);
                    await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), _stop.Token);
                    await stream.WriteAsync(body, _stop.Token);
                }
            });
        }

        public string Url { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
