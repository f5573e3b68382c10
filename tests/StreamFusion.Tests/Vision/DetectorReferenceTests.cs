using System.Text.Json;
using StreamFusion.Vision.Detection;

namespace StreamFusion.Tests.Vision;

/// <summary>
/// Compares YoloxDetector with detections computed once by an independent implementation (OpenCV's cv2.dnn and a
/// numpy decode: Fixtures/make_yolox_reference.py), committed as Fixtures/yolox_reference.json.
/// </summary>
public class DetectorReferenceTests
{
    public sealed record ReferenceDetection(string Label, float Score, float[] Box);
    public sealed record ReferenceFrame(string File, int Index, ReferenceDetection[] Detections);
    private sealed record Reference(float Score_threshold, ReferenceFrame[] Frames);

    private static readonly Reference Fixture = JsonSerializer.Deserialize<Reference>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "yolox_reference.json")),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public static TheoryData<string, int> Frames()
    {
        var frames = new TheoryData<string, int>();
        foreach (var frame in Fixture.Frames) frames.Add(frame.File, frame.Index);
        return frames;
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Same_objects_as_the_reference_with_iou_at_least_0_9(string file, int index)
    {
        var expected = Fixture.Frames.Single(f => f.File == file && f.Index == index).Detections;
        using var detector = VisionTestSupport.Detector(VisionTestSupport.Settings(Fixture.Score_threshold));
        using var frame = VisionTestSupport.Frame(file, index);

        var actual = detector.Detect(frame.Pixels.Span, frame.Width, frame.Height);

        Assert.Equal(expected.Length, actual.Count);
        foreach (var reference in expected)
        {
            var box = new BoundingBox(reference.Box[0], reference.Box[1], reference.Box[2], reference.Box[3]).ClipTo(frame.Width, frame.Height);
            var match = actual.Where(d => d.Label == reference.Label).MaxBy(d => d.Box.IntersectionOverUnion(box));
            Assert.NotNull(match);
            Assert.True(match.Box.IntersectionOverUnion(box) >= 0.9, $"{reference.Label}: IoU {match.Box.IntersectionOverUnion(box):F3} with the reference");
            Assert.Equal(reference.Score, match.Score, 0.002f);
        }
    }
}
