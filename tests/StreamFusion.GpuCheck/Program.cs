using System.Diagnostics;
using System.Text.Json;
using StreamFusion.Audio.Features;
using StreamFusion.Audio.Features.Gpu;

// The GPU machine's check, as JSON on stdout: the CUDA device, MFCC on it against the CPU path on jfk.wav, and
// 1-second windows per second for 1, 64 and 512 cameras' windows batched in one pass, CPU path alongside.
// Usage: gpu-check JFK.wav
var settings = new MfccSettings();
var jfk = WavPcm16(args.Length > 0 ? args[0] : "jfk.wav");
var report = new Dictionary<string, object?>();
var cpu = new MfccExtractor(settings);
var reference = cpu.ComputeAll(jfk);
using (var onCuda = Open(() => GpuMfcc.OnCuda(settings), report, "cuda"))
{
    report["device"] = onCuda?.Device;
    if (onCuda is not null)
    {
        var result = onCuda.ComputeAll([jfk])[0];
        report["mfcc_max_abs_difference_vs_cpu"] = reference.Zip(result, (a, b) => (double)Math.Abs(a - b)).Max();
        report["mfcc_windows_per_second"] = Batches(batch => onCuda.ComputeAll(batch));
    }
}
// The same kernels on ILGPU's CPU accelerator (2 s of jfk.wav): proves this published program compiles them.
using (var onCpu = Open(() => GpuMfcc.OnCpuAccelerator(settings), report, "cpu_accelerator"))
    if (onCpu is not null)
        report["cpu_accelerator_max_abs_difference_vs_cpu"] = cpu.ComputeAll(jfk.AsSpan(0, 32000)).Zip(onCpu.ComputeAll([jfk[..32000]])[0], (a, b) => (double)Math.Abs(a - b)).Max();
report["cpu_windows_per_second"] = Batches(batch => batch.Select(signal => cpu.ComputeAll(signal)).ToArray(), cameras: [1, 64]);
using (var json = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true }))
{
    json.WriteStartObject();
    foreach (var (key, value) in report)
    {
        switch (value)
        {
            case null: json.WriteNull(key); break;
            case string text: json.WriteString(key, text); break;
            case double number: json.WriteNumber(key, number); break;
            case Dictionary<string, double> rates:
                json.WriteStartObject(key);
                foreach (var (name, rate) in rates) json.WriteNumber(name, rate);
                json.WriteEndObject();
                break;
        }
    }
    json.WriteEndObject();
}
Console.WriteLine();
return 0;

Dictionary<string, double> Batches(Func<float[][], float[][]> run, int[]? cameras = null)
{
    var rates = new Dictionary<string, double>();
    foreach (var count in cameras ?? [1, 64, 512])
    {
        var batch = Enumerable.Range(0, count).Select(i => jfk.AsSpan((i * 1600) % (jfk.Length - 16000), 16000).ToArray()).ToArray();
        run(batch); // compile and warm up
        var (passes, clock) = (0, Stopwatch.StartNew());
        while (clock.Elapsed < TimeSpan.FromSeconds(2)) { run(batch); passes++; }
        rates[$"{count}_cameras"] = Math.Round(passes * count / clock.Elapsed.TotalSeconds, 1);
    }
    return rates;
}

static GpuMfcc? Open(Func<GpuMfcc?> open, Dictionary<string, object?> report, string name)
{
    try
    {
        return open();
    }
    catch (Exception e)
    {
        report[$"{name}_error"] = e.Message.Split('\n')[0];
        return null;
    }
}

// A PCM 16-bit mono WAV (jfk.wav): read here so the check needs no FFmpeg on the GPU machine.
static float[] WavPcm16(string path)
{
    var bytes = File.ReadAllBytes(path);
    var at = 12;
    while (at + 8 <= bytes.Length && System.Text.Encoding.ASCII.GetString(bytes, at, 4) != "data") at += 8 + BitConverter.ToInt32(bytes, at + 4);
    var length = Math.Min(BitConverter.ToInt32(bytes, at + 4), bytes.Length - at - 8) / 2;
    return Enumerable.Range(0, length).Select(i => BitConverter.ToInt16(bytes, at + 8 + 2 * i) / 32768f).ToArray();
}
