using StreamFusion.Media;
using StreamFusion.Media.Items;

namespace StreamFusion.Tests.Vision;

/// <summary>The per-frame path from the decoder to the model's input tensor allocates nothing once warm.</summary>
public class FramePathAllocationTests
{
    [Fact]
    public void Decoding_and_preprocessing_a_frame_allocates_nothing_in_steady_state()
    {
        using var detector = VisionTestSupport.Detector();
        using var source = MediaSource.Open(TestAssets.Media("vtest_480x360.avi"), new MediaSourceOptions { Audio = false, Subtitles = false, DecoderThreads = 1 });
        void NextFrame()
        {
            using var frame = (VideoFrame)source.ReadNext()!;
            detector.Preprocess(frame.Pixels.Span, frame.Width, frame.Height);
        }
        for (var i = 0; i < 20; i++) NextFrame(); // warm: frame pool, OpenCV headers, JIT

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 300; i++) NextFrame();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
