using System.CommandLine;
using StreamFusion.Bench;

namespace StreamFusion.Cli.Commands;

/// <summary>
/// `streamfusion bench decode|vision|audio|speech|kafka|pipeline`: benchmarks reported as ratios against a baseline
/// measured in the same run (never as pass/fail times). Their code is in tests/StreamFusion.Bench.
/// </summary>
public static class BenchCommand
{
    private const string DefaultFootage = "asset:media/vtest_480x360.avi";

    public static Command Create(GlobalOptions globals) =>
        new("bench", "Benchmarks, reported as ratios against a baseline measured in the same run")
        {
            Decode(globals), Vision(globals), Audio(globals), Speech(globals), Kafka(globals), Pipeline(globals),
        };

    private static Command Decode(GlobalOptions globals)
    {
        var file = new Argument<string>("file") { Description = "footage to decode", DefaultValueFactory = _ => DefaultFootage };
        var repeat = new Option<int>("--repeat") { Description = "runs per variant; the median is reported", DefaultValueFactory = _ => 3 };
        var command = new Command("decode", "Decode fps of the shim vs ffmpeg -f null on the same file") { file, repeat };
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, () => Done(
            DecodeBench.RunAsync(new DecodeBenchOptions(parse.GetValue(file)!, parse.GetValue(repeat)), globals.Locator(parse), cancellation))));
        return command;
    }

    private static Command Vision(GlobalOptions globals)
    {
        var file = new Argument<string>("file") { Description = "footage for the inference and stage runs", DefaultValueFactory = _ => DefaultFootage };
        var staticClip = new Option<string>("--static-clip") { Description = "mostly static footage for the motion-gating run", DefaultValueFactory = _ => "asset:media/one-by-one-person-detection.mp4" };
        var frames = new Option<int>("--frames") { Description = "frames per run", DefaultValueFactory = _ => 300 };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads per run (runs side by side: cores / threads)", DefaultValueFactory = _ => 1 };
        var repeat = new Option<int>("--repeat") { Description = "alternating runs of inference-only and the whole stage; medians are reported", DefaultValueFactory = _ => 3 };
        var command = new Command("vision", "Inference-only fps vs the whole vision stage, motion gating savings, denoise cost") { file, staticClip, frames, threads, repeat };
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, () => Done(VisionBench.RunAsync(
            new VisionBenchOptions(parse.GetValue(file)!, parse.GetValue(staticClip)!, parse.GetValue(frames), parse.GetValue(threads), parse.GetValue(repeat)),
            globals.Locator(parse), cancellation))));
        return command;
    }

    private static Command Audio(GlobalOptions globals)
    {
        var file = new Argument<string>("file") { Description = "audio to analyse", DefaultValueFactory = _ => "asset:media/jfk.wav" };
        var repeat = new Option<int>("--repeat") { Description = "passes over the audio per measurement", DefaultValueFactory = _ => 10 };
        var soundWindows = new Option<bool>("--sound-windows") { Description = "also the sound tagger's window-length study (labels heard right, false-alarm margins; about a minute)" };
        var command = new Command("audio", "MFCC real-time factor on one core vs torchaudio on the same samples, and the sound tagger's cost") { file, repeat, soundWindows };
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, () => Done(
            AudioBench.RunAsync(new AudioBenchOptions(parse.GetValue(file)!, parse.GetValue(repeat), parse.GetValue(soundWindows)), globals.Locator(parse), cancellation))));
        return command;
    }

    private static Command Speech(GlobalOptions globals)
    {
        var whisper = new Option<string?>("--whisper-model") { Description = "ggml model for the whisper rows (default: whisper.cpp's test model from the assets, speed only)" };
        var repeat = new Option<int>("--repeat") { Description = "passes over each corpus per engine; the median is reported", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "print the results as JSON" };
        var engines = new Option<string>("--engines") { Description = "rows to run, comma-separated: keywords, transcribe, both (PocketSphinx), whisper", DefaultValueFactory = _ => "keywords,transcribe,both,whisper" };
        var command = new Command("speech", "Speech recognition real-time factor per engine and mode on jfk.wav and GRID, and talking cameras per core, vs pocketsphinx_continuous")
        {
            whisper, repeat, json, engines,
        };
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, () => Done(SpeechBench.RunAsync(
            new SpeechBenchOptions(parse.GetValue(whisper), parse.GetValue(repeat), parse.GetValue(json),
                SpeechEngineRows(parse.GetValue(engines)!)), globals.Locator(parse), cancellation))));
        return command;
    }

    private static string[] SpeechEngineRows(string list)
    {
        var rows = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = rows.Length == 0 ? list : rows.FirstOrDefault(r => r is not ("keywords" or "transcribe" or "both" or "whisper"));
        if (unknown is not null) throw new ArgumentException($"--engines: '{unknown}': expected keywords, transcribe, both or whisper");
        return rows;
    }

    private static Command Kafka(GlobalOptions globals)
    {
        var kafka = new KafkaOptions();
        var records = new Option<int>("--records") { Description = "records for the throughput run", DefaultValueFactory = _ => 20_000 };
        var rate = new Option<int>("--rate") { Description = "records per second for the latency run (e.g. 10 cameras x 1 window/s x 20)", DefaultValueFactory = _ => 200 };
        var seconds = new Option<double>("--seconds") { Description = "length of the latency run", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "print the results as JSON" };
        var command = new Command("kafka", "Publish throughput and capture→ack latency vs a plain producer on the same broker") { records, rate, seconds, json };
        kafka.AddTo(command);
        command.SetAction((parse, _) => globals.RunAsync(parse, () => Done(KafkaBench.RunAsync(
            new KafkaBenchOptions(kafka.Connection(parse), parse.GetValue(kafka.Topic)!, parse.GetValue(records), parse.GetValue(rate), parse.GetValue(seconds), parse.GetValue(json)),
            globals.Logger))));
        return command;
    }

    private static Command Pipeline(GlobalOptions globals)
    {
        var file = new Argument<string>("file") { Description = "footage for every run", DefaultValueFactory = _ => DefaultFootage };
        var frames = new Option<int>("--frames") { Description = "model runs per inference-only measurement (one per round)", DefaultValueFactory = _ => 600 };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads per run, runs side by side (the pipeline uses the same)", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "print the results as JSON" };
        var noBaseline = new Option<bool>("--no-baseline") { Description = "skip the Python baseline" };
        var liveSeconds = new Option<double>("--live-seconds") { Description = "length of the real-time run for latency (0 skips it)", DefaultValueFactory = _ => 60 };
        var loops = new Option<int>("--loops") { Description = "the whole pipeline replays the footage this many times back to back, so start-up is a small part of the run", DefaultValueFactory = _ => 3 };
        var rounds = new Option<int>("--rounds") { Description = "rounds of inference limits then whole pipeline; medians are reported, ratios with every round's", DefaultValueFactory = _ => 3 };
        var rules = new Option<string?>("--rules") { Description = "scene rules (e.g. tests/bench/scene_rules_10x10.yaml): every round also runs the pipeline with them, for their cost side by side" };
        var command = new Command("pipeline", "The whole pipeline against the decode and inference limits and a Python baseline, in one run")
        {
            file, frames, threads, json, noBaseline, liveSeconds, loops, rounds, rules,
        };
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, () => Done(PipelineBench.RunAsync(
            new PipelineBenchOptions(parse.GetValue(file)!, parse.GetValue(frames), parse.GetValue(threads), parse.GetValue(json), parse.GetValue(noBaseline),
                parse.GetValue(liveSeconds), parse.GetValue(loops), parse.GetValue(rounds), parse.GetValue(rules)),
            globals.Locator(parse), cancellation))));
        return command;
    }

    /// <summary>A benchmark that ran to its end printed its table: exit 0 (a failure throws, for the error line).</summary>
    private static async Task<int> Done(Task benchmark)
    {
        await benchmark;
        return ExitCodes.Ok;
    }
}
