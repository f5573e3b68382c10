using System.Numerics;

namespace StreamFusion.Audio.Features;

/// <summary>
/// Computes MFCC frames. Every step after framing is a fixed linear map or an element-wise function, applied
/// frame by frame here with SIMD and preallocated scratch buffers:
/// frames [F×L] → window → |DFT|² [F×(N/2+1)] → × melᵀ [F×M] → log → × DCT [F×C] → × lifter.
/// On a GPU the same pipeline runs batched as three GEMMs (DFT as a real/imaginary matrix, mel weights, DCT)
/// over all frames of a window. The frame math is in double: near-silent bins feed a logarithm, so float32
/// round-off there reaches the cepstra (torchaudio's own float32 path is 2.6e-3 off its float64 result).
/// </summary>
public sealed class MfccExtractor
{
    private const double LogFloor = 1.1920928955078125e-7; // float32 machine epsilon, the floor torchaudio/Kaldi use

    private readonly MfccSettings _settings;
    private readonly double[] _window;
    private readonly double[][] _mel;       // per mel bin: weights over FFT bins (dense, zero outside the triangle)
    private readonly int[] _melStart, _melEnd;
    private readonly double[] _dct;         // [cepstra × melBins]
    private readonly double[] _lifter;
    private readonly RealFft _fft;
    private readonly double[] _frame, _power, _logMel;

    public MfccExtractor(MfccSettings settings)
    {
        _settings = settings;
        var length = settings.FrameLength;
        _window = new double[length];
        for (var n = 0; n < length; n++)
            _window[n] = Math.Pow(0.5 - 0.5 * Math.Cos(2 * Math.PI * n / (length - 1)), 0.85);
        (_mel, _melStart, _melEnd) = MelFilterbank(settings);
        _dct = DctMatrix(settings.Cepstra, settings.MelBins);
        _lifter = Enumerable.Range(0, settings.Cepstra)
            .Select(i => settings.Lifter > 0 ? 1 + 0.5 * settings.Lifter * Math.Sin(Math.PI * i / settings.Lifter) : 1).ToArray();
        _fft = new RealFft(settings.FftSize);
        _frame = new double[settings.FftSize];
        _power = new double[settings.FftSize / 2 + 1];
        _logMel = new double[settings.MelBins];
    }

    public MfccSettings Settings => _settings;

    // The fixed maps, for the GPU kernels (MfccKernels) to compute exactly the same thing.
    internal ReadOnlySpan<double> Window => _window;
    internal double[][] MelWeights => _mel;
    internal ReadOnlySpan<double> Dct => _dct;
    internal ReadOnlySpan<double> LifterWeights => _lifter;
    internal const double LogFloorValue = LogFloor;

    /// <summary>Number of whole frames in a signal of this many samples (Kaldi's snip_edges).</summary>
    public int FrameCount(int samples) => samples < _settings.FrameLength ? 0 : 1 + (samples - _settings.FrameLength) / _settings.FrameShift;

    /// <summary>One frame: <paramref name="samples"/> holds FrameLength samples; writes Cepstra values.</summary>
    public void Compute(ReadOnlySpan<float> samples, Span<float> cepstra)
    {
        var length = _settings.FrameLength;
        var frame = _frame.AsSpan();
        for (var i = 0; i < length; i++) frame[i] = samples[i];
        frame[length..].Clear();
        var signal = frame[..length];
        if (_settings.RemoveDcOffset)
        {
            var mean = Sum(signal) / length;
            Subtract(signal, mean);
        }
        if (_settings.PreEmphasis != 0)
        {
            for (var i = length - 1; i > 0; i--) signal[i] -= _settings.PreEmphasis * signal[i - 1];
            signal[0] -= _settings.PreEmphasis * signal[0];
        }
        Multiply(signal, _window);
        _fft.PowerSpectrum(_frame, _power);
        for (var m = 0; m < _settings.MelBins; m++)
        {
            var energy = Dot(_power.AsSpan(_melStart[m], _melEnd[m] - _melStart[m]), _mel[m].AsSpan(_melStart[m], _melEnd[m] - _melStart[m]));
            _logMel[m] = Math.Log(Math.Max(energy, LogFloor));
        }
        for (var c = 0; c < _settings.Cepstra; c++)
            cepstra[c] = (float)(Dot(_logMel, _dct.AsSpan(c * _settings.MelBins, _settings.MelBins)) * _lifter[c]);
    }

    /// <summary>Log-mel energies of the frame last passed to <see cref="Compute"/> (for spectral flux).</summary>
    public ReadOnlySpan<double> LastLogMel => _logMel;

    /// <summary>Every frame of a whole signal, row-major [frames × cepstra].</summary>
    public float[] ComputeAll(ReadOnlySpan<float> signal)
    {
        var frames = FrameCount(signal.Length);
        var output = new float[frames * _settings.Cepstra];
        for (var f = 0; f < frames; f++)
            Compute(signal.Slice(f * _settings.FrameShift, _settings.FrameLength), output.AsSpan(f * _settings.Cepstra, _settings.Cepstra));
        return output;
    }

    /// <summary>Kaldi-style deltas (window ±2, edges replicated) of a [frames × cepstra] matrix.</summary>
    public static float[] Deltas(ReadOnlySpan<float> features, int width)
    {
        var frames = features.Length / width;
        var deltas = new float[features.Length];
        const float denominator = 2 * (1 + 4);
        for (var t = 0; t < frames; t++)
        {
            int Row(int i) => Math.Clamp(i, 0, frames - 1) * width;
            for (var c = 0; c < width; c++)
                deltas[t * width + c] = (features[Row(t + 1) + c] - features[Row(t - 1) + c] + 2 * (features[Row(t + 2) + c] - features[Row(t - 2) + c])) / denominator;
        }
        return deltas;
    }

    private static (double[][], int[], int[]) MelFilterbank(MfccSettings s)
    {
        static double Mel(double hz) => 1127.0 * Math.Log(1 + hz / 700.0);
        var bins = s.FftSize / 2 + 1;
        var nyquist = s.SampleRate / 2.0;
        var high = s.HighFrequency > 0 ? s.HighFrequency : nyquist + s.HighFrequency;
        double melLow = Mel(s.LowFrequency), melHigh = Mel(high);
        var delta = (melHigh - melLow) / (s.MelBins + 1);
        var weights = new double[s.MelBins][];
        var starts = new int[s.MelBins];
        var ends = new int[s.MelBins];
        for (var m = 0; m < s.MelBins; m++)
        {
            double left = melLow + m * delta, center = left + delta, right = center + delta;
            weights[m] = new double[bins];
            starts[m] = bins;
            // Kaldi uses the FFT bins below Nyquist (N/2 of them); the Nyquist bin gets no weight.
            for (var k = 0; k < s.FftSize / 2; k++)
            {
                var mel = Mel(k * (double)s.SampleRate / s.FftSize);
                var w = Math.Max(0, Math.Min((mel - left) / (center - left), (right - mel) / (right - center)));
                if (w <= 0) continue;
                weights[m][k] = w;
                starts[m] = Math.Min(starts[m], k);
                ends[m] = k + 1;
            }
            if (starts[m] > ends[m]) starts[m] = ends[m];
        }
        return (weights, starts, ends);
    }

    private static double[] DctMatrix(int cepstra, int melBins)
    {
        var dct = new double[cepstra * melBins];
        for (var k = 0; k < cepstra; k++)
            for (var n = 0; n < melBins; n++)
                dct[k * melBins + n] = Math.Cos(Math.PI / melBins * (n + 0.5) * k) * Math.Sqrt((k == 0 ? 1.0 : 2.0) / melBins);
        return dct;
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        var sum = Vector<double>.Zero;
        var i = 0;
        for (; i <= values.Length - Vector<double>.Count; i += Vector<double>.Count) sum += new Vector<double>(values[i..]);
        var total = Vector.Sum(sum);
        for (; i < values.Length; i++) total += values[i];
        return total;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = Vector<double>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<double>.Count; i += Vector<double>.Count) sum += new Vector<double>(a[i..]) * new Vector<double>(b[i..]);
        var total = Vector.Sum(sum);
        for (; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }

    private static void Subtract(Span<double> values, double amount)
    {
        var v = new Vector<double>(amount);
        var i = 0;
        for (; i <= values.Length - Vector<double>.Count; i += Vector<double>.Count) (new Vector<double>(values[i..]) - v).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] -= amount;
    }

    private static void Multiply(Span<double> values, ReadOnlySpan<double> by)
    {
        var i = 0;
        for (; i <= values.Length - Vector<double>.Count; i += Vector<double>.Count) (new Vector<double>(values[i..]) * new Vector<double>(by[i..])).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] *= by[i];
    }
}
