using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using StreamFusion.Inference;

namespace StreamFusion.Audio.Sounds;

/// <summary>
/// An AudioSet tagger with its mel front end inside the graph (EfficientAT): mono waveform at 32 kHz in, sigmoid
/// probabilities per AudioSet class and an embedding out. One session per model for every camera of the process
/// (shared like the detector's); windows of several cameras, or of a backlog, may go in one run: where the shared
/// session batches (a GPU), each camera's window joins the other cameras' that are waiting.
/// </summary>
public sealed class SoundTagger : IDisposable
{
    public const int SampleRate = 32000;
    private readonly OnnxModel _model;
    private readonly RunOptions _runOptions = new();

    private SoundTagger(OnnxModel model, int classes, int embedding) => (_model, Classes, EmbeddingLength) = (model, classes, embedding);

    public int Classes { get; }
    public int EmbeddingLength { get; }
    public string Provider => _model.Provider;

    public static SoundTagger Load(string path, OnnxSettings onnx, ILogger? logger = null, SharedSessions? shared = null)
    {
        var model = OnnxSessionFactory.Create(path, onnx, logger, shared, batchable: true);
        var (inputs, outputs) = (model.Session.InputMetadata, model.Session.OutputMetadata);
        if (!inputs.TryGetValue("waveform", out var waveform) || waveform.Dimensions.Length != 2 || !outputs.TryGetValue("probs", out var probs) || probs.Dimensions.Length != 2 ||
            !outputs.TryGetValue("embedding", out var embedding) || embedding.Dimensions.Length != 2)
        {
            model.Dispose();
            throw new ModelException($"{Path.GetFileName(path)} is not an AudioSet tagger: expected input waveform[B,S] (32 kHz) and outputs probs[B,classes], embedding[B,D]; " +
                                     $"it has inputs {string.Join(", ", inputs.Keys)} and outputs {string.Join(", ", outputs.Keys)}");
        }
        return new SoundTagger(model, probs.Dimensions[1], embedding.Dimensions[1]);
    }

    /// <summary>Whether a lone window runs together with other cameras' windows.</summary>
    public bool Batching => _model.Batcher is { OutputNames: ["probs", "embedding"] or ["embedding", "probs"] };

    /// <summary>Tags windows of equal length (32 kHz samples each), all in one run: each one's probabilities and embedding.</summary>
    public (float[] Probabilities, float[] Embedding)[] Tag(IReadOnlyList<float[]> windows)
    {
        if (windows.Count == 0) return [];
        if (windows.Count == 1 && Batching) return [TagWithOtherCameras(windows[0])];
        var length = windows[0].Length;
        var input = new float[windows.Count * length];
        for (var i = 0; i < windows.Count; i++)
        {
            if (windows[i].Length != length) throw new ArgumentException("windows of one run must have the same length");
            windows[i].CopyTo(input, i * length);
        }
        // Outputs allocated by the runtime: this export gives [1, B, classes] for B > 1 (and [1, classes] for one).
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [windows.Count, length]);
        using var slot = _model.Slots.Enter();
        using var outputs = _model.Session.Run(_runOptions, ["waveform"], [inputValue], ["probs", "embedding"]);
        var probabilities = outputs[0].GetTensorDataAsSpan<float>();
        var embeddings = outputs[1].GetTensorDataAsSpan<float>();
        if (probabilities.Length != windows.Count * Classes || embeddings.Length != windows.Count * EmbeddingLength)
            throw new ModelException($"the sound tagger returned {probabilities.Length} probabilities for {windows.Count} windows of {Classes} classes");
        var results = new (float[], float[])[windows.Count];
        for (var i = 0; i < windows.Count; i++)
            results[i] = (probabilities.Slice(i * Classes, Classes).ToArray(), embeddings.Slice(i * EmbeddingLength, EmbeddingLength).ToArray());
        return results;
    }

    private (float[], float[]) TagWithOtherCameras(float[] window)
    {
        var (probabilities, embedding) = (new float[Classes], new float[EmbeddingLength]);
        var batcher = _model.Batcher!;
        batcher.Run(window, batcher.OutputNames[0] == "probs" ? [probabilities, embedding] : [embedding, probabilities], [window.Length]);
        return (probabilities, embedding);
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _model.Dispose();
    }
}
