using OpenCvSharp;
using StreamFusion.Inference.Preprocessing;
using StreamFusion.Vision.Denoise;
using Native = OpenCvSharp.Internal.NativeMethods;

namespace StreamFusion.Vision.Detection;

/// <summary>
/// Letterboxes BGR frames into a model's planar float input (image top-left, padding 114), denoising on the way.
/// Nothing is allocated per frame: OpenCvSharp's functions wrap their arguments in new (finalizable) proxy objects
/// on every call, so this calls the same native functions with headers and argument proxies made once, over the
/// input tensor's image area and over each frame buffer seen (pooled frames reuse a few buffers).
/// </summary>
internal sealed unsafe class LetterboxInput : IDisposable
{
    private const byte PadValue = 114;
    /// <summary>Frame buffers remembered; beyond this (callers without pooled frames) the headers are dropped and made afresh.</summary>
    private const int MaxSources = 32;

    private readonly Mat _canvas;
    private readonly Mat[] _bytePlanes;
    private readonly Mat[] _floatPlanes;
    private readonly Denoiser _denoiser;
    private readonly Dictionary<(nint Address, int Width, int Height), MatArgument> _sources = [];
    private ImageArea? _area;

    /// <param name="input">the model's input tensor, float[3, size, size], pinned for the life of this object</param>
    public LetterboxInput(float* input, int size, DenoiseSettings denoise)
    {
        _canvas = new Mat(size, size, MatType.CV_8UC3);
        _bytePlanes = [.. Enumerable.Range(0, 3).Select(_ => new Mat(size, size, MatType.CV_8UC1))];
        _floatPlanes = [.. Enumerable.Range(0, 3).Select(c => Mat.FromPixelData(size, size, MatType.CV_32FC1, (nint)(input + c * size * size), size * sizeof(float)))];
        _denoiser = new Denoiser(denoise);
        Size = size;
    }

    public int Size { get; }

    /// <returns>the scale applied to the frame</returns>
    public float Fill(ReadOnlySpan<byte> bgr, int width, int height)
    {
        var (imageWidth, imageHeight, ratio) = LetterboxSpec.Fit(width, height, Size);
        var image = new Size(imageWidth, imageHeight);
        if (_area?.Size != image) _area = NewArea(image);
        var area = _area;
        fixed (byte* pixels = bgr)
        {
            Check(Native.imgproc_resize(Source((nint)pixels, width, height).Input, area.Image.Output, image, 0, 0, (int)InterpolationFlags.Linear));
            _denoiser.Apply(area.Image.Mat);
            for (var c = 0; c < 3; c++)
            {
                Check(Native.core_extractChannel(area.Image.Input, area.Bytes[c].Output, c));
                Check(Native.core_Mat_convertTo(area.Bytes[c].Mat.CvPtr, area.Floats[c].Output, MatType.CV_32FC1, 1, 0));
            }
        }
        return (float)ratio;
    }

    private static void Check(OpenCvSharp.Internal.ExceptionStatus status) => Native.HandleException(status);

    private MatArgument Source(nint address, int width, int height)
    {
        if (_sources.TryGetValue((address, width, height), out var known)) return known;
        if (_sources.Count >= MaxSources) ForgetSources();
        return _sources[(address, width, height)] = new MatArgument(Mat.FromPixelData(height, width, MatType.CV_8UC3, address, width * 3));
    }

    /// <summary>Arguments over the image area of the canvas and planes; the padding around it is filled here, once.</summary>
    private ImageArea NewArea(Size image)
    {
        _area?.Dispose();
        foreach (var plane in _floatPlanes) plane.SetTo(new Scalar(PadValue));
        var rect = new Rect(new Point(0, 0), image);
        return new ImageArea(image, new MatArgument(_canvas[rect]),
            [.. _bytePlanes.Select(p => new MatArgument(p[rect]))], [.. _floatPlanes.Select(p => new MatArgument(p[rect]))]);
    }

    private void ForgetSources()
    {
        foreach (var source in _sources.Values) source.Dispose();
        _sources.Clear();
    }

    public void Dispose()
    {
        ForgetSources();
        _area?.Dispose();
        _canvas.Dispose();
        foreach (var plane in _bytePlanes.Concat(_floatPlanes)) plane.Dispose();
        _denoiser.Dispose();
    }

    private sealed record ImageArea(Size Size, MatArgument Image, MatArgument[] Bytes, MatArgument[] Floats) : IDisposable
    {
        public void Dispose()
        {
            foreach (var argument in Bytes.Concat(Floats).Append(Image)) argument.Dispose();
        }
    }

    /// <summary>A Mat header with the native input and output argument proxies over it, owned together.</summary>
    private sealed class MatArgument : IDisposable
    {
        public MatArgument(Mat mat)
        {
            Mat = mat;
            Check(Native.core_InputArray_new_byMat(mat.CvPtr, out var input));
            Check(Native.core_OutputArray_new_byMat(mat.CvPtr, out var output));
            (Input, Output) = (input, output);
        }

        public Mat Mat { get; }
        public nint Input { get; }
        public nint Output { get; }

        public void Dispose()
        {
            Check(Native.core_InputArray_delete(Input));
            Check(Native.core_OutputArray_delete(Output));
            Mat.Dispose();
        }
    }
}
