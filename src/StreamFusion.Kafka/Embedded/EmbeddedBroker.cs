using System.Text;
using Confluent.Kafka;

namespace StreamFusion.Kafka.Embedded;

/// <summary>
/// An in-process, in-memory Kafka-protocol cluster on 127.0.0.1 (librdkafka's mock cluster): any Kafka client can
/// produce to and consume from it while the process runs. For trying things out and for tests, never for keeping
/// data: everything is gone when the process ends. Tests also use it to take brokers down and inject request errors.
/// </summary>
public sealed unsafe class EmbeddedBroker : IDisposable
{
    private readonly MockClusterNative.Api _api = MockClusterNative.Functions;
    private IntPtr _handle, _cluster;

    /// <param name="brokers">number of brokers (ids 1..N)</param>
    public EmbeddedBroker(int brokers = 1)
    {
        var conf = _api.ConfNew();
        Set(conf, "log_level", "3"); // the mock cluster logs every connection at the default level
        var error = stackalloc byte[512];
        _handle = _api.New(MockClusterNative.ProducerType, conf, error, 512);
        if (_handle == IntPtr.Zero) throw new KafkaException(new Error(ErrorCode.Local_Fail, $"embedded broker: {Encoding.UTF8.GetString(error, Length(error))}"));
        _cluster = _api.ClusterNew(_handle, brokers);
        if (_cluster == IntPtr.Zero)
        {
            _api.Destroy(_handle);
            throw new KafkaException(new Error(ErrorCode.Local_Fail, "embedded broker: could not start the mock cluster"));
        }
        BootstrapServers = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(_api.ClusterBootstraps(_cluster))!;
    }

    /// <summary>host:port list to give any Kafka client.</summary>
    public string BootstrapServers { get; }

    public void CreateTopic(string topic, int partitions = 1)
    {
        var name = Encoding.UTF8.GetBytes(topic + "\0");
        fixed (byte* p = name) Check(_api.TopicCreate(_cluster, p, partitions, 1), $"create topic '{topic}'");
    }

    /// <summary>
    /// Tells clients to find broker <paramref name="brokerId"/> at <paramref name="host"/>:<paramref name="port"/>
    /// from now on (in metadata), where a <see cref="TcpForwarder"/> relays to it.
    /// </summary>
    public void Advertise(string host, int port, int brokerId = 1)
    {
        fixed (byte* h = Encoding.UTF8.GetBytes(host + "\0")) _api.BrokerSetHostPort(_cluster, brokerId, h, port);
    }

    /// <summary>How long a consumer group's coordinator waits for members to join before it assigns (Kafka's group.initial.rebalance.delay.ms).</summary>
    public void SetGroupRebalanceDelay(TimeSpan delay) => _api.GroupInitialRebalanceDelay(_cluster, (int)delay.TotalMilliseconds);

    public void SetBrokerDown(int brokerId = 1) => Check(_api.BrokerSetDown(_cluster, brokerId), "take broker down");

    public void SetBrokerUp(int brokerId = 1) => Check(_api.BrokerSetUp(_cluster, brokerId), "bring broker up");

    /// <summary>The next produce requests (to any broker) fail with these errors, one each, in order.</summary>
    public void FailNextProduceRequests(params ErrorCode[] errors)
    {
        var codes = errors.Select(e => (int)e).ToArray();
        fixed (int* p = codes) _api.PushRequestErrorsArray(_cluster, MockClusterNative.ProduceApiKey, (nuint)codes.Length, p);
    }

    /// <summary>From now on the cluster records every request it receives (see <see cref="ProduceRequests"/>).</summary>
    public void TrackRequests() => _api.StartRequestTracking(_cluster);

    /// <summary>Produce requests received since <see cref="TrackRequests"/>, failed ones included.</summary>
    public int ProduceRequests()
    {
        nuint count;
        var requests = _api.GetRequests(_cluster, &count);
        var produce = 0;
        for (nuint i = 0; i < count; i++)
            if (_api.RequestApiKey(requests[i]) == MockClusterNative.ProduceApiKey) produce++;
        _api.RequestDestroyArray(requests, count);
        return produce;
    }

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero) _api.ClusterDestroy(_cluster);
        if (_handle != IntPtr.Zero) _api.Destroy(_handle);
        _cluster = _handle = IntPtr.Zero;
    }

    private void Set(IntPtr conf, string name, string value)
    {
        var error = stackalloc byte[256];
        fixed (byte* n = Encoding.UTF8.GetBytes(name + "\0"), v = Encoding.UTF8.GetBytes(value + "\0"))
            _api.ConfSet(conf, n, v, error, 256);
    }

    private static void Check(int code, string what)
    {
        if (code != 0) throw new KafkaException(new Error((ErrorCode)code, $"embedded broker: {what}: {(ErrorCode)code}"));
    }

    private static int Length(byte* text)
    {
        var n = 0;
        while (n < 512 && text[n] != 0) n++;
        return n;
    }
}
