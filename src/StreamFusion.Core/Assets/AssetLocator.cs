using System.Security.Cryptography;

namespace StreamFusion.Core.Assets;

/// <summary>
/// Finds models and sample media: first in the asset directories (explicit setting, $STREAMFUSION_ASSETS,
/// or the "shared" folder beside the repository), then in the download cache, and finally downloads catalogued
/// assets from their upstream URL into the cache, accepting them only if the SHA-256 matches.
/// </summary>
public sealed class AssetLocator(IReadOnlyList<string> directories, string cacheDirectory, HttpClient? http = null)
{
    public const string EnvironmentVariable = "STREAMFUSION_ASSETS";
    public const string UriPrefix = "asset:";

    public IReadOnlyList<string> Directories { get; } = directories;
    public string CacheDirectory { get; } = cacheDirectory;

    /// <param name="explicitDirectory">--assets or the config's assets setting, if any (wins over the rest)</param>
    public static AssetLocator FromEnvironment(string? explicitDirectory = null)
    {
        var directories = new List<string>();
        if (!string.IsNullOrWhiteSpace(explicitDirectory)) directories.Add(Path.GetFullPath(explicitDirectory));
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnv) directories.Add(Path.GetFullPath(fromEnv));
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            if (FindRepositoryRoot(start) is { } root)
                directories.Add(Path.GetFullPath(Path.Combine(root, "..", "shared")));
        return new AssetLocator(directories.Distinct().ToList(), DefaultCacheDirectory());
    }

    public static string DefaultCacheDirectory()
    {
        var baseDir = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "streamfusion");
    }

    /// <summary>The file's path if it is already present locally; no download.</summary>
    public string? TryFind(string name) =>
        Directories.Append(CacheDirectory).Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    /// <summary>Resolves "asset:NAME" through the locator; anything else is returned unchanged.</summary>
    public async Task<string> ResolveUriAsync(string uri, CancellationToken cancellation) =>
        uri.StartsWith(UriPrefix, StringComparison.Ordinal) ? await ResolveAsync(uri[UriPrefix.Length..], cancellation) : uri;

    public async Task<string> ResolveAsync(string name, CancellationToken cancellation)
    {
        if (TryFind(name) is { } local) return local;
        var entry = AssetCatalog.Find(name);
        var searched = string.Join(", ", Directories.Append(CacheDirectory));
        if (entry?.Url is null)
            throw new AssetNotFoundException($"asset '{name}' not found in {searched}; set --assets or ${EnvironmentVariable} to the folder that holds it");
        return await DownloadAsync(entry, cancellation);
    }

    public async Task<string> DownloadAsync(AssetEntry entry, CancellationToken cancellation)
    {
        var target = Path.Combine(CacheDirectory, entry.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + ".partial";
        var client = http ?? SharedHttp.Value;
        try
        {
            using (var response = await client.GetAsync(entry.Url, HttpCompletionOption.ResponseHeadersRead, cancellation))
            {
                response.EnsureSuccessStatusCode();
                await using var file = File.Create(partial);
                await response.Content.CopyToAsync(file, cancellation);
            }
            var actual = await Sha256Async(partial, cancellation);
            if (!actual.Equals(entry.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new AssetNotFoundException($"asset '{entry.Name}' downloaded from {entry.Url} has SHA-256 {actual}, expected {entry.Sha256}; not used");
            File.Move(partial, target, overwrite: true);
            return target;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellation.IsCancellationRequested)
        {
            throw new AssetNotFoundException($"asset '{entry.Name}' is not present locally and downloading {entry.Url} failed ({e.Message}); put the file under one of: {string.Join(", ", Directories.Append(CacheDirectory))}");
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public static async Task<string> Sha256Async(string path, CancellationToken cancellation = default)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellation));
    }

    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(5) });

    /// <summary>The folder holding StreamFusion.sln, at or above <paramref name="start"/>; null outside a checkout.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "StreamFusion.sln")))
                return dir.FullName;
        return null;
    }
}
