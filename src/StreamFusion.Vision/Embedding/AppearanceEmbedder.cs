using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using StreamFusion.Vision.Detection;
using StreamFusion.Inference;

namespace StreamFusion.Vision.Embedding;

/// <summary>
/// Appearance vectors for detected objects from an ImageNet classifier (MobileNetV2: input float[N,3,224,224] RGB
/// normalised with ImageNet mean/std, output float[N,K]); the K outputs, L2-normalised, serve as the embedding.
/// All crops of a frame run as one batch.
/// </summary>
public sealed unsafe class AppearanceEmbedder : IDisposable
{
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    private readonly OnnxModel _model;
    private readonly int _size;
    private readonly Mat _crop = new();
    private readonly RunOptions _runOptions = new();
    private float[] _batch = [];

    private AppearanceEmbedder(OnnxModel model, int size)
    {
        _model = model;
        _size = size;
    }

    public static AppearanceEmbedder Load(string path, OnnxSettings onnx, ILogger? logger = null, SharedSessions? shared = null)
    {
        var model = OnnxSessionFactory.Create(path, onnx, logger, shared);
        var input = model.Session.InputMetadata.Values.FirstOrDefault();
        if (model.Session.InputMetadata.Count != 1 || input?.Dimensions is not [_, 3, var h, var w] || h != w || h <= 0
            || model.Session.OutputMetadata.Values.Single().Dimensions.Length != 2)
        {
            model.Dispose();
            throw new ModelException($"{Path.GetFileName(path)} is not an image classifier usable for embeddings: expected input float[N,3,S,S] and output float[N,K]");
        }
        return new AppearanceEmbedder(model, h);
    }

    public void Embed(ReadOnlySpan<byte> bgr, int width, int height, IReadOnlyList<DetectedObject> objects)
    {
        if (objects.Count == 0) return;
        var plane = _size * _size;
        var needed = objects.Count * 3 * plane;
        if (_batch.Length < needed) _batch = new float[needed];
        fixed (byte* pixels = bgr)
        {
            using var frame = Mat.FromPixelData(height, width, MatType.CV_8UC3, (nint)pixels, width * 3);
            for (var i = 0; i < objects.Count; i++)
            {
                var box = objects[i].Box;
                var rect = new Rect((int)box.X, (int)box.Y, Math.Max(1, (int)box.Width), Math.Max(1, (int)box.Height))
                    .Intersect(new Rect(0, 0, width, height));
                if (rect.Width <= 0 || rect.Height <= 0) rect = new Rect(0, 0, 1, 1);
                using var region = frame[rect];
                Cv2.Resize(region, _crop, new Size(_size, _size), 0, 0, InterpolationFlags.Linear);
                var source = (byte*)_crop.Data;
                var offset = i * 3 * plane;
                for (var p = 0; p < plane; p++)
                    for (var c = 0; c < 3; c++) // BGR pixels into RGB planes
                        _batch[offset + c * plane + p] = (source[p * 3 + 2 - c] / 255f - Mean[c]) / Std[c];
            }
        }
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _batch.AsMemory(0, needed), [objects.Count, 3, _size, _size]);
        using var outputs = Run(input);
        var values = outputs[0].GetTensorDataAsSpan<float>();
        var length = values.Length / objects.Count;
        for (var i = 0; i < objects.Count; i++)
        {
            var vector = values.Slice(i * length, length).ToArray();
            var norm = MathF.Sqrt(vector.Sum(v => v * v));
            if (norm > 0) for (var k = 0; k < vector.Length; k++) vector[k] /= norm;
            objects[i].Embedding = vector;
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(OrtValue input)
    {
        using (_model.Slots.Enter()) return _model.Session.Run(_runOptions, _model.Session.InputNames, [input], _model.Session.OutputNames);
    }

    public void Dispose()
    {
        _crop.Dispose();
        _runOptions.Dispose();
        _model.Dispose();
    }
}
