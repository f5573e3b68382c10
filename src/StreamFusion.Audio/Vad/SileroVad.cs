using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using StreamFusion.Inference;

namespace StreamFusion.Audio.Vad;

/// <summary>
/// Silero VAD (v5 ONNX): each call feeds 512 new samples at 16 kHz preceded by the last 64 of the previous chunk
/// (the context the model was trained with) and carries the recurrent state [2,1,128] to the next call.
/// Buffers are allocated once.
/// </summary>
public sealed class SileroVad : IVoiceActivityDetector
{
    private const int Chunk = 512, Context = 64;

    private readonly OnnxModel _model;
    private readonly float[] _input = new float[Context + Chunk];
    private readonly float[] _state = new float[2 * 128];
    private readonly float[] _nextState = new float[2 * 128];
    private readonly float[] _probability = new float[1];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private readonly string[] _inputNames = ["input", "state", "sr"];
    private readonly string[] _outputNames = ["output", "stateN"];
    private readonly RunOptions _runOptions = new();

    private SileroVad(OnnxModel model)
    {
        _model = model;
        _inputs =
        [
            OrtValue.CreateTensorValueFromMemory(_input, [1, Context + Chunk]),
            OrtValue.CreateTensorValueFromMemory(_state, [2, 1, 128]),
            OrtValue.CreateTensorValueFromMemory(new long[] { 16000 }, []),
        ];
        _outputs =
        [
            OrtValue.CreateTensorValueFromMemory(_probability, [1, 1]),
            OrtValue.CreateTensorValueFromMemory(_nextState, [2, 1, 128]),
        ];
    }

    public int ChunkSamples => Chunk;
    public string Name => "silero";

    public static SileroVad Load(string path, OnnxSettings onnx, ILogger? logger = null)
    {
        var model = OnnxSessionFactory.Create(path, onnx with { IntraOpThreads = 1 }, logger);
        var inputs = model.Session.InputMetadata;
        var outputs = model.Session.OutputMetadata;
        if (!inputs.ContainsKey("input") || !inputs.ContainsKey("state") || !inputs.ContainsKey("sr") || !outputs.ContainsKey("output") || !outputs.ContainsKey("stateN"))
        {
            model.Dispose();
            throw new ModelException($"{Path.GetFileName(path)} is not a Silero VAD model: expected inputs input[B,T], state[2,B,128], sr and outputs output[B,1], stateN; " +
                                     $"it has inputs {string.Join(", ", inputs.Keys)} and outputs {string.Join(", ", outputs.Keys)}");
        }
        return new SileroVad(model);
    }

    /// <summary>
    /// Below this mean power the chunk is digital silence (a muted microphone, a camera's empty audio track): it
    /// cannot be speech, so the model is not run. Real microphones' noise floor lies far above it.
    /// </summary>
    private const float SilencePower = 1e-9f; // -90 dBFS

    public float Process(ReadOnlySpan<float> chunk)
    {
        chunk[..Chunk].CopyTo(_input.AsSpan(Context));
        if (System.Numerics.Tensors.TensorPrimitives.SumOfSquares(chunk[..Chunk]) / Chunk < SilencePower)
        {
            _input.AsSpan(Chunk, Context).CopyTo(_input);
            return 0;
        }
        _model.Session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
        _nextState.CopyTo(_state, 0);
        _input.AsSpan(Chunk, Context).CopyTo(_input); // the last 64 samples become the next context
        return _probability[0];
    }

    public void Dispose()
    {
        foreach (var value in _inputs.Concat(_outputs)) value.Dispose();
        _runOptions.Dispose();
        _model.Dispose();
    }
}
