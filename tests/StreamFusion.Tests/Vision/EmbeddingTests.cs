using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Embedding;
using StreamFusion.Inference;

namespace StreamFusion.Tests.Vision;

public class EmbeddingTests
{
    [Fact]
    public void The_same_person_in_nearby_frames_is_more_alike_than_a_different_object()
    {
        using var detector = VisionTestSupport.Detector();
        using var embedder = AppearanceEmbedder.Load(TestAssets.Path("models/mobilenetv2-12-int8.onnx"), new OnnxSettings { Device = InferenceDevice.Cpu });
        using var first = VisionTestSupport.Frame("one-by-one-person-detection.mp4", 800);
        using var second = VisionTestSupport.Frame("one-by-one-person-detection.mp4", 805);
        var a = detector.Detect(first.Pixels.Span, first.Width, first.Height);
        var b = detector.Detect(second.Pixels.Span, second.Width, second.Height);

        embedder.Embed(first.Pixels.Span, first.Width, first.Height, a);
        embedder.Embed(second.Pixels.Span, second.Width, second.Height, b);

        var personA = a.Single(d => d.Label == "person").Embedding!;
        var personB = b.Single(d => d.Label == "person").Embedding!;
        var monitor = a.First(d => d.Label == "tvmonitor").Embedding!;
        Assert.Equal(1.0, personA.Sum(v => (double)v * v), 3);
        Assert.True(Cosine(personA, personB) > Cosine(personA, monitor) + 0.1,
            $"same person {Cosine(personA, personB):F3} vs other object {Cosine(personA, monitor):F3}");
    }

    [Fact]
    public void A_model_that_is_not_an_image_classifier_is_rejected()
    {
        var error = Assert.Throws<ModelException>(() => AppearanceEmbedder.Load(TestAssets.Path("models/silero_vad.onnx"), new OnnxSettings { Device = InferenceDevice.Cpu }));
        Assert.Contains("expected input float[N,3,S,S]", error.Message);
    }

    private static double Cosine(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);
}
