using static StreamFusion.Inference.OnnxProtobuf;

namespace StreamFusion.Inference.Preprocessing;

/// <summary>
/// The letterbox as an ONNX graph, to run on the detector's device: BGR frames uint8[N,H,W,3] (the decoder's
/// bytes, any size) → float[N,3,S,S]: cast, to planes, bilinear resize to <c>resize_to</c> (half-pixel centres,
/// no antialiasing: OpenCV's INTER_LINEAR), rounded as OpenCV's 8-bit result is, optionally Gaussian-blurred
/// (reflected borders, separable), then padded by <c>pad_to</c> with the pad value. The sizes come in as inputs
/// so one graph serves every frame size.
/// </summary>
public static class LetterboxGraph
{
    public const string Frames = "frames", ResizeTo = "resize_to", PadTo = "pad_to", Image = "image";

    /// <summary>The graph's size inputs for <paramref name="count"/> frames of one size into a <paramref name="size"/>² input.</summary>
    public static void Sizes(int count, int width, int height, int size, long[] resizeTo, long[] padTo)
    {
        var (imageWidth, imageHeight, _) = LetterboxSpec.Fit(width, height, size);
        (resizeTo[0], resizeTo[1], resizeTo[2], resizeTo[3]) = (count, 3, imageHeight, imageWidth);
        Array.Clear(padTo);
        (padTo[6], padTo[7]) = (size - imageHeight, size - imageWidth);
    }

    public static byte[] Build(LetterboxSpec spec, int size)
    {
        var graph = new OnnxGraphWriter(opset: 18);
        graph.Input(Frames, ElementUInt8, "N", "H", "W", 3);
        graph.Input(ResizeTo, ElementInt64, 4);
        graph.Input(PadTo, ElementInt64, 8);
        graph.Output(Image, ElementFloat, "N", 3, size, size);
        graph.Constant("pad_value", [], [(float)spec.PadValue]);

        graph.Node("Cast", [Frames], "pixels", ("to", (long)ElementFloat));
        graph.Node("Transpose", ["pixels"], "planes", ("perm", new long[] { 0, 3, 1, 2 }));
        graph.Node("Resize", ["planes", "", "", ResizeTo], "scaled",
            ("mode", "linear"), ("coordinate_transformation_mode", "half_pixel"));
        graph.Node("Round", ["scaled"], "scaled_8bit");
        var letterboxed = "scaled_8bit";
        if (spec.BlurKernel > 1)
        {
            var k = spec.BlurKernel;
            var kernel = spec.GaussianKernel();
            long r = k / 2;
            graph.Constant("blur_pads", [8], [0, 0, r, r, 0, 0, r, r]);
            float[] perChannel = [.. Enumerable.Repeat(kernel, 3).SelectMany(w => w)]; // the same weights for B, G and R
            graph.Constant("blur_rows", [3, 1, k, 1], perChannel);
            graph.Constant("blur_columns", [3, 1, 1, k], perChannel);
            graph.Node("Pad", ["scaled_8bit", "blur_pads"], "reflected", ("mode", "reflect"));
            graph.Node("Conv", ["reflected", "blur_rows"], "blurred_rows", ("group", 3L));
            graph.Node("Conv", ["blurred_rows", "blur_columns"], "blurred", ("group", 3L));
            graph.Node("Round", ["blurred"], "blurred_8bit");
            letterboxed = "blurred_8bit";
        }
        graph.Node("Pad", [letterboxed, PadTo, "pad_value"], Image, ("mode", "constant"));
        return graph.Build("letterbox");
    }
}
