namespace StreamFusion.Kafka.Publish;

/// <summary>What the publisher has done so far; latency is capture (record wallclock) to broker acknowledgement.</summary>
/// <param name="Accepted">records given to the publisher by this process</param>
/// <param name="Delivered">records the broker acknowledged (including recovered ones)</param>
/// <param name="Spooled">records that had to wait on disk: broker unreachable or the memory window full</param>
/// <param name="Resent">records handed to the producer again after a failed delivery</param>
/// <param name="Recovered">undelivered records a previous process left in the spool</param>
/// <param name="Rejected">records the broker refused for good (too large, invalid), kept in rejected.jsonl</param>
/// <param name="Refused">records refused because the spool was full</param>
/// <param name="Waiting">records not yet acknowledged (in memory and on disk)</param>
/// <param name="Outages">times the broker stopped acknowledging for longer than the stall notice</param>
public sealed record PublisherStats(
    long Accepted, long Delivered, long Spooled, long Resent, long Recovered, long Rejected, long Refused,
    long Waiting, long SpoolBytes, long Outages, TimeSpan LatencyP50, TimeSpan LatencyP95, TimeSpan LatencyP99);
