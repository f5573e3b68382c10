using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamFusion.Core.Config;
using StreamFusion.Core.Logging;
using StreamFusion.Core.Stages;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Kafka.Connection;

namespace StreamFusion.Hosting.Fleet;

/// <param name="Group">the consumer group the fleet's workers share</param>
/// <param name="WorkerId">this worker's name: the "worker" header of what it publishes, and its spool's folder</param>
/// <param name="InstanceId">static membership (group.instance.id): a worker that died and is restarted under the same
/// name within the session timeout gets its partitions back without a rebalance (a worker that stops leaves the group)</param>
/// <param name="SessionTimeout">how long the group waits for a silent worker before handing its cameras on</param>
public sealed record WorkerSettings(string Group, string WorkerId, string? InstanceId, TimeSpan SessionTimeout, string Topic = CameraRegistry.DefaultTopic);

/// <summary>A worker's place in its group, for /health: a member once the group has given it an assignment (maybe empty).</summary>
public sealed record WorkerStatus(string Id, string Group, bool Member, IReadOnlyList<int> Partitions);

/// <summary>
/// A fleet worker: a member of a consumer group on the camera registry, running the cameras whose registry
/// partitions it is assigned. On an assignment it reads those partitions to their end (the current configs) and
/// starts their cameras; it follows later adds, updates (the camera restarts) and removes. The cooperative-sticky
/// assignor moves only the partitions that must move; a revoked partition's cameras drain and stop before the
/// revocation completes, so another worker never runs a camera this one still runs; lost partitions (the group
/// gave up on this worker) stop at once.
/// </summary>
internal sealed class FleetWorker(FleetConfig fleet, WorkerSettings settings, StreamFusionOptions options, RunningCameras running, IRunReporter reporter, ILoggerFactory logging)
{
    private readonly ILogger _logger = logging.CreateLogger("StreamFusion");
    private readonly Dictionary<int, Dictionary<string, string>> _registry = []; // assigned partition → camera id → config JSON
    private readonly HashSet<int> _loaded = [];                                     // partitions read to their end once
    private readonly Dictionary<string, RunningCamera> _cameras = [];
    private CameraContext _context = null!;

    private sealed record RunningCamera(int Partition, string Json, CancellationTokenSource Stop, Task Run);

    public async Task<RunResult> RunAsync(CancellationToken stop)
    {
        var config = fleet.Shared;
        await using var resources = new RunResources(config, options, running, _logger);
        _context = resources.Context;
        running.Worker = new WorkerStatus(settings.WorkerId, settings.Group, false, []);
        resources.Delivery?.Start();
        running.Delivery = resources.Delivery;
        using var finished = new CancellationTokenSource();
        var watching = reporter.WatchAsync(running, config.StatsInterval, finished.Token);
        try
        {
            await Task.Factory.StartNew(() => Consume(config, stop), TaskCreationOptions.LongRunning);
        }
        finally
        {
            await StopAsync([.. _cameras.Keys]);
            await finished.CancelAsync();
            await watching;
        }
        var summary = resources.Delivery is null ? null : await resources.Delivery.FinishAsync(interrupted: true);
        reporter.DeliveryFinished(summary, null);
        return new RunResult(PipelineOutcome.Drained, summary);
    }

    private void Consume(StreamFusion.Hosting.Config.PipelineConfig config, CancellationToken stop)
    {
        var connection = config.Kafka.Connection;
        var properties = connection.ClientProperties(connection.BootstrapServers!);
        properties["group.id"] = settings.Group;
        properties["client.id"] = $"streamfusion-worker-{settings.WorkerId}";
        properties["partition.assignment.strategy"] = "cooperative-sticky";
        properties["session.timeout.ms"] = ((int)settings.SessionTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        properties["heartbeat.interval.ms"] = Math.Max(100, (int)settings.SessionTimeout.TotalMilliseconds / 5).ToString(System.Globalization.CultureInfo.InvariantCulture);
        properties["enable.auto.commit"] = "false"; // every assignment reads its partitions from the beginning
        properties["auto.offset.reset"] = "earliest";
        properties["enable.partition.eof"] = "true";
        if (settings.InstanceId is { } instance) properties["group.instance.id"] = instance;
        using var consumer = new ConsumerBuilder<string?, byte[]?>(properties)
            .SetLogHandler((_, message) => { if (message.Level <= SyslogLevel.Warning) _logger.LogWarning("kafka: {Message}", message.Message); })
            .SetErrorHandler((_, error) => _logger.LogWarning("kafka: {Reason}", error.Reason))
            .SetPartitionsAssignedHandler((_, partitions) => Assigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => Revoked(partitions, drain: true))
            .SetPartitionsLostHandler((_, partitions) => Revoked(partitions, drain: false))
            .Build();
        consumer.Subscribe(settings.Topic);
        _logger.LogInformation("worker {Worker}: joining group {Group} on {Topic} at {Servers}", settings.WorkerId, settings.Group, settings.Topic, connection.BootstrapServers);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                ConsumeResult<string?, byte[]?>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    _logger.LogWarning("kafka: {Reason}", e.Error.Reason);
                    continue;
                }
                if (result is null) continue;
                var partition = result.Partition.Value;
                if (!_registry.TryGetValue(partition, out var cameras)) continue; // revoked meanwhile
                if (result.IsPartitionEOF)
                {
                    if (_loaded.Add(partition)) Reconcile(partition, cameras.Keys);
                    continue;
                }
                CameraRegistry.Apply(cameras, result.Message);
                if (_loaded.Contains(partition) && result.Message.Key is { } id) Reconcile(partition, [id]);
            }
        }
        finally
        {
            Leave(consumer, config.DrainTimeout);
        }
    }

    /// <summary>
    /// Leaves the group now, so that the others take this worker's cameras at once. A static member's Close sends no
    /// LeaveGroup (KIP-345: the group would wait out the session timeout for it to come back); an unsubscribe does, once
    /// the revocation (which drains the cameras) is done.
    /// </summary>
    private void Leave(IConsumer<string?, byte[]?> consumer, TimeSpan drainTimeout)
    {
        try
        {
            consumer.Unsubscribe();
            var deadline = DateTime.UtcNow + drainTimeout + TimeSpan.FromSeconds(5);
            while (consumer.Assignment.Count > 0 && DateTime.UtcNow < deadline) consumer.Consume(TimeSpan.FromMilliseconds(100));
            consumer.Consume(TimeSpan.FromMilliseconds(300)); // lets the LeaveGroup request go out before Close marks the consumer terminating
        }
        catch (KafkaException e)
        {
            _logger.LogWarning("worker {Worker}: leaving the group: {Reason}", settings.WorkerId, e.Error.Reason);
        }
        consumer.Close();
    }

    private IEnumerable<TopicPartitionOffset> Assigned(List<TopicPartition> partitions)
    {
        foreach (var partition in partitions) _registry[partition.Partition.Value] = [];
        running.Worker = new WorkerStatus(settings.WorkerId, settings.Group, true, [.. _registry.Keys.Order()]);
        if (partitions.Count > 0)
            _logger.LogInformation("worker {Worker}: assigned {Partitions}", settings.WorkerId, string.Join(", ", partitions.Select(p => p.Partition.Value)));
        return partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning));
    }

    private void Revoked(List<TopicPartitionOffset> partitions, bool drain)
    {
        var numbers = partitions.Select(p => p.Partition.Value).ToHashSet();
        if (numbers.Count == 0) return;
        _logger.LogInformation("worker {Worker}: {How} {Partitions}", settings.WorkerId, drain ? "revoked (draining their cameras first)" : "lost (stopping their cameras now)",
            string.Join(", ", numbers.Order()));
        var cameras = _cameras.Where(c => numbers.Contains(c.Value.Partition)).Select(c => c.Key).ToList();
        if (!drain)
            foreach (var id in cameras) _cameras[id].Stop.Cancel();
        StopAsync(cameras).GetAwaiter().GetResult();
        foreach (var number in numbers)
        {
            _registry.Remove(number);
            _loaded.Remove(number);
        }
        running.Worker = new WorkerStatus(settings.WorkerId, settings.Group, drain, [.. _registry.Keys.Order()]); // lost: out of the group until it rejoins
    }

    /// <summary>Makes the running cameras of a partition what its registry entries say: start, restart with new settings, or stop.</summary>
    private void Reconcile(int partition, IEnumerable<string> ids)
    {
        var configs = _registry[partition];
        foreach (var id in ids.ToList())
        {
            configs.TryGetValue(id, out var json);
            if (_cameras.TryGetValue(id, out var current))
            {
                if (current.Json == json) continue;
                StopAsync([id]).GetAwaiter().GetResult();
            }
            if (json is not null) Start(id, partition, json);
        }
    }

    private void Start(string id, int partition, string json)
    {
        var logger = _logger.ForCamera(id);
        StreamFusion.Hosting.Config.CameraConfig camera;
        try
        {
            camera = fleet.Camera(json, $"{settings.Topic}[{id}]");
            camera = camera with { CaptureTimeClock = camera.Reconnect.Enabled }; // a live camera's windows go on where the last worker left off
        }
        catch (ConfigException e)
        {
            logger.LogError("not started: its registry entry is not a valid camera: {Error}", e.Message);
            return;
        }
        var supervisor = new CameraSupervisor(camera, _context, logger);
        running.Expect(id, supervisor.Health);
        running.Delivery?.CameraStatus?.Watch(supervisor.Health);
        var cancel = new CancellationTokenSource();
        _cameras[id] = new RunningCamera(partition, json, cancel, Task.Run(() => RunCameraAsync(supervisor, logger, cancel.Token)));
        logger.LogInformation("started on worker {Worker} (registry partition {Partition})", settings.WorkerId, partition);
    }

    private async Task RunCameraAsync(CameraSupervisor supervisor, ILogger logger, CancellationToken stop)
    {
        CameraPipeline? pipeline = null;
        try
        {
            pipeline = await supervisor.FirstOpenAsync(stop) ?? await supervisor.OpenWhenReachableAsync(stop);
            if (pipeline is null) return;
            running.Opened(pipeline);
            var outcome = await pipeline.RunAsync(stop, _context.Config.DrainTimeout);
            logger.LogInformation("{Outcome}", outcome == PipelineOutcome.Completed ? "completed" : "stopped");
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogError("stopped by an error: {Error}", error.Message);
        }
        finally
        {
            pipeline?.Dispose();
        }
    }

    private async Task StopAsync(IReadOnlyCollection<string> ids)
    {
        var stopping = new List<Task>();
        foreach (var id in ids)
        {
            if (!_cameras.Remove(id, out var camera)) continue;
            await camera.Stop.CancelAsync();
            stopping.Add(camera.Run.ContinueWith(_ =>
            {
                camera.Stop.Dispose();
                running.Forget(id);
            }, TaskScheduler.Default));
        }
        await Task.WhenAll(stopping);
    }
}
