using StreamFusion.Core.Config;
using StreamFusion.Hosting;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Operations;
using StreamFusion.Media.Live;

// A service of one's own with StreamFusion inside: its cameras run as a hosted service of this app, its
// /metrics and /health are served beside the app's own /cameras, and Ctrl+C drains the cameras before exiting.
//   dotnet run --project samples/embedded -- --pipeline pipelines/default.yaml --urls http://127.0.0.1:5080
var builder = WebApplication.CreateBuilder(args);
PipelineConfig config;
try
{
    config = PipelineConfigLoader.Load(builder.Configuration["pipeline"] ?? "pipelines/default.yaml");
}
catch (ConfigException e)
{
    foreach (var error in e.Errors) Console.Error.WriteLine($"error: {error}");
    return 2;
}
builder.Services.AddStreamFusion(config, options => options.StopHostWhenFinished = false);

var app = builder.Build();
app.MapStreamFusionOperations();
app.MapGet("/cameras", (RunningCameras cameras) => cameras.Health.Select(health => new
{
    id = health.Camera,
    state = health.State.Name(),
    since = health.Since,
    reconnects = health.Reconnects,
    frames = cameras.Find(health.Camera)?.Counters.VideoFrames ?? 0,
}));
app.MapGet("/run", async (StreamFusionRun run) => run.Completion.IsCompleted
    ? Results.Ok(new { ended = true, outcome = (await run.Completion).Outcome.ToString(), error = (await run.Completion).Error?.Message })
    : Results.Ok(new { ended = false }));
await app.RunAsync();
return 0;
