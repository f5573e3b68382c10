using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using StreamFusion.Tests.Config;
using StreamFusion.Tests.Media;

namespace StreamFusion.Tests.Samples;

/// <summary>samples/embedded: an ASP.NET Core app hosting StreamFusion beside its own endpoint, run as a user runs it.</summary>
public class EmbeddedSampleTests
{
    [Fact]
    public async Task The_app_serves_its_own_cameras_endpoint_and_the_pipelines_metrics_from_one_host()
    {
        using var temp = new TempDirectory();
        var assets = Path.GetDirectoryName(Path.GetDirectoryName(TestAssets.Path("models/yolox_nano.onnx")))!;
        var pipeline = temp.File("lobby.yaml");
        File.WriteAllText(pipeline, $"""
            version: 1
            assets: {assets}
            cameras:
              - {"{"} id: lobby, uri: "{TestAssets.Media("one-by-one-person-detection.mp4")}", pace: realtime {"}"}
            vision: {"{"} enabled: true, device: cpu {"}"}
            audio: {"{"} enabled: false {"}"}
            kafka: {"{"} enabled: false {"}"}
            """);
        var port = NetworkSourceTests.FreeTcpPort();
        var app = Path.Combine(PipelineConfigTests.RepositoryRoot(), "samples", "embedded", "bin", "Release", "net10.0", "StreamFusion.Samples.Embedded.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { app, "--pipeline", pipeline, "--urls", $"http://127.0.0.1:{port}" }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            JsonElement lobby = default;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    var cameras = await http.GetFromJsonAsync<JsonElement>("/cameras");
                    lobby = cameras.EnumerateArray().SingleOrDefault(c => c.GetProperty("id").GetString() == "lobby");
                    if (lobby.ValueKind == JsonValueKind.Object && lobby.GetProperty("frames").GetInt64() > 0) break;
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                await Task.Delay(200);
            }
            Assert.True(lobby.ValueKind == JsonValueKind.Object && lobby.GetProperty("frames").GetInt64() > 0,
                $"no frames from the lobby camera through /cameras (exited: {process.HasExited})");
            Assert.Equal("live", lobby.GetProperty("state").GetString());
            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("streamfusion_frames_total{camera=\"lobby\"}", metrics);
            Assert.Contains("streamfusion_camera_up{camera=\"lobby\"} 1", metrics);
            Assert.Equal("ok", (await http.GetFromJsonAsync<JsonElement>("/health")).GetProperty("status").GetString());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            _ = await output;
            _ = await errors;
        }
    }
}
