using Microsoft.Extensions.Logging;
using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StreamFusion.Inference;
using StreamFusion.Inference.Preprocessing;
using StreamFusion.Vision.Denoise;

namespace StreamFusion.Vision.Detection;

/// <summary>
/// YOLOX (e.g. YOLOX-nano, COCO): input float[1,3,S,S] BGR 0-255 letterboxed top-left with pad 114; output
/// float[1,N,5+C] decoded on stride 8/16/32 grids, score = objectness × class, per-class thresholds, class-aware
/// NMS, boxes mapped back to the original frame. Input and output buffers are allocated once. Frames are
/// letterboxed with OpenCV into the input buffer, or (<see cref="PreprocessMode"/>) uploaded as bytes and
/// letterboxed on the detector's device, where the input then stays.
/// </summary>
public sealed unsafe class YoloxDetector : IDisposable
{
    private static readonly int[] Strides = [8, 16, 32];

    private readonly OnnxModel _model;
    private readonly DetectorSettings _settings;
    private readonly LabelMap _labels;
    private readonly float[] _classThresholds;
    private readonly float _lowestThreshold;
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();
    private readonly (float X, float Y, float Stride)[] _anchors;
    private readonly LetterboxInput? _letterbox;        // on the CPU
    private readonly DeviceLetterbox.Runner? _onDevice;  // else

    private YoloxDetector(OnnxModel model, DetectorSettings settings, LabelMap labels, int size, int anchors, int classes)
    {
        _model = model;
        _settings = settings;
        _labels = labels;
        InputSize = size;
        ClassCount = classes;
        _classThresholds = ClassThresholds(settings, labels, classes);
        _lowestThreshold = _classThresholds.Where(t => t <= 1).DefaultIfEmpty(1).Min();
        // Pinned for good: OpenCV writes the planes straight into the tensor ONNX Runtime reads.
        _input = GC.AllocateArray<float>(3 * size * size, pinned: true);
        _output = new float[anchors * (5 + classes)];
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [1, 3, size, size]);
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, [1, anchors, 5 + classes]);
        _inputNames = [model.Session.InputNames[0]];
        _outputNames = [model.Session.OutputNames[0]];
        _anchors = BuildAnchors(size);
        if (model.Letterbox is { } letterbox) _onDevice = letterbox.OpenRunner();
        else _letterbox = new LetterboxInput((float*)Unsafe.AsPointer(ref _input[0]), size, settings.Denoise);
    }

    public int InputSize { get; }
    public int ClassCount { get; }
    public string Provider => _model.Provider;
    /// <summary>Runs of this detector's session that may execute at once (cameras and parallel detectors share them).</summary>
    public int ParallelRuns => _model.Slots.Count;
    public bool Batching => _model.Batcher is not null || _model.Letterbox is { Batching: true };
    /// <summary>"cpu", or "device (provider)" where frames are letterboxed on the detector's device.</summary>
    public string Preprocessing => _model.Letterbox is { } letterbox ? $"device ({letterbox.Provider})" : "cpu";

    public static YoloxDetector Load(DetectorSettings settings, OnnxSettings onnx, ILogger? logger = null, SharedSessions? shared = null)
    {
        if (!File.Exists(settings.ModelPath))
            throw new ModelException($"detector model not found: {settings.ModelPath} (expected a YOLOX ONNX model, input float[1,3,S,S] such as [1,3,416,416])");
        var labels = LabelMap.Load(settings.LabelsPath);
        var letterbox = DeviceLetterboxFor(settings);
        if (letterbox is not null) shared ??= new SharedSessions();
        var model = OnnxSessionFactory.Create(settings.ModelPath, onnx, logger, shared, batchable: true, letterbox);
        try
        {
            var (size, anchors, classes) = ValidateContract(model, labels);
            return new YoloxDetector(model, settings, labels, size, anchors, classes);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Detections in a BGR24 frame (rows of width*3 bytes), in that frame's pixel coordinates.</summary>
    public List<DetectedObject> Detect(ReadOnlySpan<byte> bgr, int width, int height)
    {
        if (_onDevice is not null)
        {
            fixed (byte* pixels = bgr) _onDevice.Run(new FrameRequest((nint)pixels, width, height, _output));
            return Decode((float)LetterboxSpec.Fit(width, height, InputSize).Ratio, width, height);
        }
        var ratio = Preprocess(bgr, width, height);
        Infer();
        return Decode(ratio, width, height);
    }

    /// <summary>Letterboxes and denoises the frame into the model's input buffer (on the CPU); returns the scale applied.</summary>
    public float Preprocess(ReadOnlySpan<byte> bgr, int width, int height) =>
        (_letterbox ?? throw new InvalidOperationException("frames are letterboxed on the device: use Detect")).Fill(bgr, width, height);

    /// <summary>The letterbox graph's settings for these detector settings; null where frames are letterboxed on the CPU.</summary>
    private static LetterboxOnDevice? DeviceLetterboxFor(DetectorSettings settings)
    {
        if (settings.Preprocess == PreprocessMode.Cpu) return null;
        if (!PreprocessModes.OnDevice(settings.Denoise.Mode))
            return settings.Preprocess == PreprocessMode.Device
                ? throw new ModelException($"preprocess device: {settings.Denoise.Mode.ToString().ToLowerInvariant()} denoising runs on the CPU only (use gaussian, or preprocess cpu)")
                : null;
        var spec = settings.Denoise.Mode == DenoiseMode.Gaussian ? new LetterboxSpec(BlurKernel: settings.Denoise.Kernel | 1, BlurSigma: settings.Denoise.Sigma) : new LetterboxSpec();
        return new LetterboxOnDevice(spec, EvenOnCpu: settings.Preprocess == PreprocessMode.Device);
    }

    /// <summary>Runs the model on the input buffer (separate from pre/post-processing so it can be timed alone).</summary>
    public void Infer()
    {
        if (_model.Batcher is { } batcher)
        {
            batcher.Run(_input, _output);
            return;
        }
        using (_model.Slots.Enter()) _model.Session.Run(_runOptions, _inputNames, [_inputValue], _outputNames, [_outputValue]);
    }

    internal List<DetectedObject> Decode(float ratio, int width, int height)
    {
        var stride = 5 + ClassCount;
        var candidates = new List<DetectedObject>();
        for (var a = 0; a < _anchors.Length; a++)
        {
            var row = _output.AsSpan(a * stride, stride);
            var objectness = row[4];
            if (objectness < _lowestThreshold) continue;
            for (var c = 0; c < ClassCount; c++)
            {
                var score = objectness * row[5 + c];
                if (score <= _classThresholds[c]) continue;
                var (gx, gy, s) = _anchors[a];
                var box = BoundingBox.FromCenter((row[0] + gx) * s / ratio, (row[1] + gy) * s / ratio,
                    MathF.Exp(row[2]) * s / ratio, MathF.Exp(row[3]) * s / ratio);
                candidates.Add(new DetectedObject(c, _labels[c], score, box.ClipTo(width, height)));
            }
        }
        return NonMaximumSuppression.Apply(candidates, _settings.NmsIou);
    }

    private static (float, float, float)[] BuildAnchors(int size)
    {
        var anchors = new List<(float, float, float)>();
        foreach (var stride in Strides)
        {
            var cells = size / stride;
            for (var y = 0; y < cells; y++)
                for (var x = 0; x < cells; x++)
                    anchors.Add((x, y, stride));
        }
        return anchors.ToArray();
    }

    /// <summary>Classes not of interest get a threshold above any score, so they are never reported.</summary>
    private static float[] ClassThresholds(DetectorSettings settings, LabelMap labels, int classes)
    {
        var thresholds = new float[classes];
        var wanted = settings.Classes.Select(labels.IndexOf).ToHashSet();
        foreach (var unknown in settings.Classes.Where(c => labels.IndexOf(c) < 0).Concat(settings.ClassThresholds.Keys.Where(c => labels.IndexOf(c) < 0)))
            throw new ModelException($"unknown class '{unknown}': not in the label file ({labels.Count} labels, e.g. {string.Join(", ", labels.Labels.Take(5))})");
        for (var c = 0; c < classes; c++)
        {
            var label = labels[c];
            thresholds[c] = settings.Classes.Count > 0 && !wanted.Contains(c) ? float.PositiveInfinity
                : settings.ClassThresholds.TryGetValue(label, out var t) ? t : settings.ScoreThreshold;
        }
        return thresholds;
    }

    private static (int Size, int Anchors, int Classes) ValidateContract(OnnxModel model, LabelMap labels)
    {
        var inputs = model.Session.InputMetadata;
        var outputs = model.Session.OutputMetadata;
        var name = Path.GetFileName(model.Path);
        string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
            string.Join(", ", nodes.Select(n => $"{n.Key}[{string.Join(",", n.Value.Dimensions.Select(d => d < 0 ? "?" : d.ToString()))}]"));
        var wrong = $"{name} is not a YOLOX detector: expected one input float[1,3,S,S] (S a multiple of 32, e.g. [1,3,416,416]) " +
                    $"and one output float[1,N,5+classes]; it has inputs {Describe(inputs)} and outputs {Describe(outputs)}";
        if (inputs.Count != 1 || outputs.Count != 1) throw new ModelException(wrong);
        var input = inputs.Values.Single();
        var output = outputs.Values.Single();
        // A batch of 1, or a free batch (a shared, batching session).
        if (input.ElementDataType != TensorElementType.Float || input.Dimensions is not [1 or -1, 3, var h, var w] || h != w || h <= 0 || h % 32 != 0)
            throw new ModelException(wrong);
        var anchors = Strides.Sum(s => (h / s) * (h / s));
        if (output.Dimensions is not [1 or -1, var n, var fields] || n != anchors || fields < 6)
            throw new ModelException(wrong);
        if (fields - 5 != labels.Count)
            throw new ModelException($"{name} scores {fields - 5} classes but the label file lists {labels.Count}");
        return (h, anchors, fields - 5);
    }

    public void Dispose()
    {
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _letterbox?.Dispose();
        _onDevice?.Dispose();
        _model.Dispose();
    }
}
