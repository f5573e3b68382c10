using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace StreamFusion.Audio.Features.Gpu;

/// <summary>
/// The Kaldi-compatible MFCC of <see cref="MfccExtractor"/> as ILGPU kernels over every frame of a batch of
/// signals at once (one camera window each): one thread per frame prepares it (DC removal, pre-emphasis, Povey
/// window), one per frame and FFT bin takes its power (a DFT against a twiddle table: no sequential butterfly
/// passes), one per frame and mel bin its log energy, one per frame and cepstrum the DCT and lifter. In double,
/// like the CPU path. CUDA through the driver alone; ILGPU's CPU accelerator runs the same kernels where there is
/// no GPU (the tests).
/// </summary>
public sealed class GpuMfcc : IDisposable
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly MfccSettings _settings;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _window, _cos, _sin, _mel, _dct, _lifter;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<double>, ArrayView<double>, int, int, double, int> _prepare;
    private readonly Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int> _power;
    private readonly Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, double> _logMel;
    private readonly Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<float>, int, int> _cepstra;

    private GpuMfcc(Context context, Accelerator accelerator, MfccSettings settings)
    {
        (_context, _accelerator, _settings) = (context, accelerator, settings);
        var cpu = new MfccExtractor(settings); // the same window, filterbank, DCT and lifter
        var n = settings.FftSize;
        var bins = n / 2 + 1;
        var cos = new double[n];
        var sin = new double[n];
        for (var i = 0; i < n; i++) (cos[i], sin[i]) = (Math.Cos(2 * Math.PI * i / n), Math.Sin(2 * Math.PI * i / n));
        var mel = new double[settings.MelBins * bins];
        for (var m = 0; m < settings.MelBins; m++) cpu.MelWeights[m].AsSpan(0, bins).CopyTo(mel.AsSpan(m * bins, bins));
        _window = accelerator.Allocate1D(cpu.Window.ToArray());
        _cos = accelerator.Allocate1D(cos);
        _sin = accelerator.Allocate1D(sin);
        _mel = accelerator.Allocate1D(mel);
        _dct = accelerator.Allocate1D(cpu.Dct.ToArray());
        _lifter = accelerator.Allocate1D(cpu.LifterWeights.ToArray());
        _prepare = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<double>, ArrayView<double>, int, int, double, int>(Prepare);
        _power = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int>(Power);
        _logMel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, double>(LogMel);
        _cepstra = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<float>, int, int>(Cepstra);
    }

    /// <summary>"NVIDIA H200 (CUDA)", "CPU accelerator (ILGPU)".</summary>
    public string Device => _accelerator.AcceleratorType == AcceleratorType.Cuda ? $"{_accelerator.Name} (CUDA)" : $"{_accelerator.Name} (ILGPU {_accelerator.AcceleratorType})";

    /// <summary>The CUDA device <paramref name="index"/>; null when the machine has none (no driver, no GPU).</summary>
    public static GpuMfcc? OnCuda(MfccSettings settings, int index = 0)
    {
        var context = Context.Create(b => b.Cuda().EnableAlgorithms());
        if (context.GetCudaDevices().Count <= index)
        {
            context.Dispose();
            return null;
        }
        return new GpuMfcc(context, context.CreateCudaAccelerator(index), settings);
    }

    /// <summary>The same kernels on ILGPU's CPU accelerator: for checking them where there is no GPU.</summary>
    public static GpuMfcc OnCpuAccelerator(MfccSettings settings)
    {
        var context = Context.Create(b => b.CPU().EnableAlgorithms());
        return new GpuMfcc(context, context.CreateCPUAccelerator(0), settings);
    }

    /// <summary>Every frame of every signal in one pass; per signal, row-major [frames × cepstra] like <see cref="MfccExtractor.ComputeAll"/>.</summary>
    /// <param name="logMels">when given, filled per signal with its frames' log mel energies, row-major [frames × mel bins]</param>
    public float[][] ComputeAll(IReadOnlyList<float[]> signals, double[][]? logMels = null)
    {
        var (length, shift, n, bins, mels, cepstra) = (_settings.FrameLength, _settings.FrameShift, _settings.FftSize, _settings.FftSize / 2 + 1, _settings.MelBins, _settings.Cepstra);
        var counts = signals.Select(s => s.Length < length ? 0 : 1 + (s.Length - length) / shift).ToArray();
        var frames = counts.Sum();
        var results = counts.Select(c => new float[c * cepstra]).ToArray();
        if (frames == 0) return results;
        var joined = new float[signals.Sum(s => s.Length)];
        var starts = new int[frames];
        var (offset, frame) = (0, 0);
        for (var s = 0; s < signals.Count; s++)
        {
            signals[s].CopyTo(joined, offset);
            for (var f = 0; f < counts[s]; f++) starts[frame++] = offset + f * shift;
            offset += signals[s].Length;
        }
        using var signal = _accelerator.Allocate1D(joined);
        using var frameStarts = _accelerator.Allocate1D(starts);
        using var prepared = _accelerator.Allocate1D<double>((long)frames * n);
        using var power = _accelerator.Allocate1D<double>((long)frames * bins);
        using var logMel = _accelerator.Allocate1D<double>((long)frames * mels);
        using var output = _accelerator.Allocate1D<float>((long)frames * cepstra);
        _prepare(frames, signal.View, frameStarts.View, _window.View, prepared.View, length, n, _settings.PreEmphasis, _settings.RemoveDcOffset ? 1 : 0);
        _power(frames * bins, prepared.View, _cos.View, _sin.View, power.View, length, n, bins);
        _logMel(frames * mels, power.View, _mel.View, logMel.View, bins, mels, MfccExtractor.LogFloorValue);
        _cepstra(frames * cepstra, logMel.View, _dct.View, _lifter.View, output.View, mels, cepstra);
        _accelerator.Synchronize();
        Split(output.GetAsArray1D(), results);
        if (logMels is not null)
        {
            for (var s = 0; s < signals.Count; s++) logMels[s] = new double[counts[s] * mels];
            Split(logMel.GetAsArray1D(), logMels);
        }
        return results;
    }

    private static void Split<T>(T[] all, T[][] parts)
    {
        var offset = 0;
        foreach (var part in parts)
        {
            Array.Copy(all, offset, part, 0, part.Length);
            offset += part.Length;
        }
    }

    private static void Prepare(Index1D index, ArrayView<float> signal, ArrayView<int> starts, ArrayView<double> window, ArrayView<double> frames,
        int length, int fftSize, double preEmphasis, int removeDc)
    {
        int f = index;
        var start = starts[f];
        var frame = (long)f * fftSize;
        var mean = 0.0;
        if (removeDc != 0)
        {
            for (var i = 0; i < length; i++) mean += signal[start + i];
            mean /= length;
        }
        var previous = signal[start] - mean; // Kaldi: the first sample is pre-emphasised against itself
        for (var i = 0; i < length; i++)
        {
            var x = signal[start + i] - mean;
            frames[frame + i] = (x - preEmphasis * previous) * window[i];
            previous = x;
        }
        for (var i = length; i < fftSize; i++) frames[frame + i] = 0;
    }

    private static void Power(Index1D index, ArrayView<double> frames, ArrayView<double> cos, ArrayView<double> sin, ArrayView<double> power, int length, int fftSize, int bins)
    {
        int id = index;
        var (f, k) = (id / bins, id % bins);
        var frame = (long)f * fftSize;
        double re = 0, im = 0;
        for (var i = 0; i < length; i++) // the padding is zero
        {
            var turn = (int)((long)k * i % fftSize);
            var x = frames[frame + i];
            re += x * cos[turn];
            im -= x * sin[turn];
        }
        power[id] = re * re + im * im;
    }

    private static void LogMel(Index1D index, ArrayView<double> power, ArrayView<double> weights, ArrayView<double> logMel, int bins, int mels, double floor)
    {
        int id = index;
        var (f, m) = (id / mels, id % mels);
        var energy = 0.0;
        for (var k = 0; k < bins; k++) energy += power[(long)f * bins + k] * weights[m * bins + k];
        logMel[id] = XMath.Log(XMath.Max(energy, floor));
    }

    private static void Cepstra(Index1D index, ArrayView<double> logMel, ArrayView<double> dct, ArrayView<double> lifter, ArrayView<float> output, int mels, int cepstra)
    {
        int id = index;
        var (f, c) = (id / cepstra, id % cepstra);
        var sum = 0.0;
        for (var m = 0; m < mels; m++) sum += logMel[(long)f * mels + m] * dct[c * mels + m];
        output[id] = (float)(sum * lifter[c]);
    }

    public void Dispose()
    {
        foreach (var buffer in new[] { _window, _cos, _sin, _mel, _dct, _lifter }) buffer.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }
}
