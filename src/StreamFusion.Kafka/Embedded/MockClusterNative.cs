using System.Runtime.InteropServices;

namespace StreamFusion.Kafka.Embedded;

/// <summary>
/// librdkafka's mock cluster API (rdkafka_mock.h), bound by function pointer to the same librdkafka that
/// Confluent.Kafka loaded: the package picks one of several builds per distribution, so the path is read from the
/// process's own mappings rather than guessed.
/// </summary>
internal static unsafe class MockClusterNative
{
    public const int ProducerType = 0; // RD_KAFKA_PRODUCER
    public const short ProduceApiKey = 0;

    private static readonly Lazy<Api> Bound = new(Bind);

    public static Api Functions => Bound.Value;

    public sealed class Api
    {
        public required delegate* unmanaged<IntPtr> ConfNew;
        public required delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int> ConfSet;
        public required delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr> New;
        public required delegate* unmanaged<IntPtr, void> Destroy;
        public required delegate* unmanaged<IntPtr, int, IntPtr> ClusterNew;
        public required delegate* unmanaged<IntPtr, void> ClusterDestroy;
        public required delegate* unmanaged<IntPtr, IntPtr> ClusterBootstraps;
        public required delegate* unmanaged<IntPtr, byte*, int, int, int> TopicCreate;
        public required delegate* unmanaged<IntPtr, int, int> BrokerSetDown;
        public required delegate* unmanaged<IntPtr, int, int> BrokerSetUp;
        public required delegate* unmanaged<IntPtr, int, byte*, int, void> BrokerSetHostPort;
        public required delegate* unmanaged<IntPtr, int, void> GroupInitialRebalanceDelay;
        public required delegate* unmanaged<IntPtr, short, nuint, int*, void> PushRequestErrorsArray;
        public required delegate* unmanaged<IntPtr, void> StartRequestTracking;
        public required delegate* unmanaged<IntPtr, nuint*, IntPtr*> GetRequests;
        public required delegate* unmanaged<IntPtr, short> RequestApiKey;
        public required delegate* unmanaged<IntPtr*, nuint, void> RequestDestroyArray;
    }

    /// <summary>Path of the librdkafka shared object Confluent.Kafka uses in this process.</summary>
    public static string LibraryPath()
    {
        Confluent.Kafka.Library.Load();
        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[5]).Contains("librdkafka", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .FirstOrDefault();
        return mapped ?? throw new DllNotFoundException("librdkafka is not loaded by Confluent.Kafka in this process");
    }

    private static Api Bind()
    {
        var library = NativeLibrary.Load(LibraryPath());
        IntPtr F(string name) => NativeLibrary.GetExport(library, name);
        return new Api
        {
            ConfNew = (delegate* unmanaged<IntPtr>)F("rd_kafka_conf_new"),
            ConfSet = (delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int>)F("rd_kafka_conf_set"),
            New = (delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr>)F("rd_kafka_new"),
            Destroy = (delegate* unmanaged<IntPtr, void>)F("rd_kafka_destroy"),
            ClusterNew = (delegate* unmanaged<IntPtr, int, IntPtr>)F("rd_kafka_mock_cluster_new"),
            ClusterDestroy = (delegate* unmanaged<IntPtr, void>)F("rd_kafka_mock_cluster_destroy"),
            ClusterBootstraps = (delegate* unmanaged<IntPtr, IntPtr>)F("rd_kafka_mock_cluster_bootstraps"),
            TopicCreate = (delegate* unmanaged<IntPtr, byte*, int, int, int>)F("rd_kafka_mock_topic_create"),
            BrokerSetDown = (delegate* unmanaged<IntPtr, int, int>)F("rd_kafka_mock_broker_set_down"),
            BrokerSetUp = (delegate* unmanaged<IntPtr, int, int>)F("rd_kafka_mock_broker_set_up"),
            BrokerSetHostPort = (delegate* unmanaged<IntPtr, int, byte*, int, void>)F("rd_kafka_mock_broker_set_host_port"),
            GroupInitialRebalanceDelay = (delegate* unmanaged<IntPtr, int, void>)F("rd_kafka_mock_group_initial_rebalance_delay_ms"),
            PushRequestErrorsArray = (delegate* unmanaged<IntPtr, short, nuint, int*, void>)F("rd_kafka_mock_push_request_errors_array"),
            StartRequestTracking = (delegate* unmanaged<IntPtr, void>)F("rd_kafka_mock_start_request_tracking"),
            GetRequests = (delegate* unmanaged<IntPtr, nuint*, IntPtr*>)F("rd_kafka_mock_get_requests"),
            RequestApiKey = (delegate* unmanaged<IntPtr, short>)F("rd_kafka_mock_request_api_key"),
            RequestDestroyArray = (delegate* unmanaged<IntPtr*, nuint, void>)F("rd_kafka_mock_request_destroy_array"),
        };
    }
}
