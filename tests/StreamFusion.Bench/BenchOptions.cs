using StreamFusion.Kafka.Connection;

namespace StreamFusion.Bench;

/// <param name="File">footage to decode</param>
/// <param name="Repeat">runs per variant; the median is reported</param>
public sealed record DecodeBenchOptions(string File, int Repeat);

/// <param name="Repeat">passes over the audio per measurement</param>
/// <param name="SoundWindows">also run the sound tagger's window-length study</param>
public sealed record AudioBenchOptions(string File, int Repeat, bool SoundWindows = false);

/// <param name="StaticClip">mostly static footage for the motion-gating run</param>
/// <param name="Threads">ONNX Runtime threads per run (runs side by side: cores / threads)</param>
/// <param name="Repeat">alternating runs of inference-only and the whole stage; medians are reported</param>
public sealed record VisionBenchOptions(string File, string StaticClip, int Frames, int Threads, int Repeat);

/// <param name="Records">records for the throughput run</param>
/// <param name="Rate">records per second for the latency run</param>
/// <param name="Seconds">length of the latency run</param>
public sealed record KafkaBenchOptions(KafkaConnection Connection, string Topic, int Records, int Rate, double Seconds, bool Json);

/// <param name="Frames">model runs per inference-only measurement (one per round)</param>
/// <param name="LiveSeconds">length of the real-time run for latency (0 skips it)</param>
/// <param name="Loops">the whole pipeline replays the footage this many times back to back</param>
/// <param name="Rounds">rounds of inference limits then whole pipeline</param>
/// <param name="Rules">scene rules: each round also runs the pipeline with them, for their cost side by side</param>
public sealed record PipelineBenchOptions(string File, int Frames, int Threads, bool Json, bool NoBaseline, double LiveSeconds, int Loops, int Rounds, string? Rules = null);

/// <param name="WhisperModel">a ggml model for the whisper rows; null: whisper.cpp's test model from the assets (random weights: speed only)</param>
/// <param name="Repeat">passes over each corpus per engine; the median is reported</param>
/// <param name="Engines">rows to run: keywords, transcribe, both (PocketSphinx's modes), whisper</param>
public sealed record SpeechBenchOptions(string? WhisperModel, int Repeat, bool Json, IReadOnlyList<string> Engines);
