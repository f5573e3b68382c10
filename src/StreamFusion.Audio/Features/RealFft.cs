namespace StreamFusion.Audio.Features;

/// <summary>
/// Power spectrum |X[k]|², k = 0..N/2, of a real frame of N samples, in double precision: the frame is packed as
/// N/2 complex values (even samples real, odd imaginary), transformed with a complex FFT of half the size, and
/// the two interleaved halves are separated afterwards. No allocation per call.
/// </summary>
internal sealed class RealFft
{
    private readonly int _half;
    private readonly ComplexFft _fft;
    private readonly double[] _splitCos, _splitSin; // e^{-2πik/N}, k = 0..N/2

    public RealFft(int size)
    {
        if (!System.Numerics.BitOperations.IsPow2(size) || size < 4) throw new ArgumentException("FFT size must be a power of two ≥ 4");
        _half = size / 2;
        _fft = new ComplexFft(_half);
        _splitCos = new double[_half + 1];
        _splitSin = new double[_half + 1];
        for (var k = 0; k <= _half; k++)
        {
            _splitCos[k] = Math.Cos(-2 * Math.PI * k / size);
            _splitSin[k] = Math.Sin(-2 * Math.PI * k / size);
        }
    }

    /// <param name="frame">N real samples</param>
    /// <param name="power">N/2 + 1 outputs</param>
    public void PowerSpectrum(ReadOnlySpan<double> frame, Span<double> power)
    {
        double[] re = _fft.Real, im = _fft.Imaginary;
        for (var i = 0; i < _half; i++)
        {
            re[i] = frame[2 * i];
            im[i] = frame[2 * i + 1];
        }
        _fft.Forward();
        // Z = FFT(even + i·odd): E[k] = (Z[k] + conj Z[M−k]) / 2, O[k] = (Z[k] − conj Z[M−k]) / 2i, X[k] = E[k] + W^k O[k].
        for (var k = 0; k <= _half; k++)
        {
            int p = k % _half, q = (_half - k) % _half;
            double zr = re[p], zi = im[p], cr = re[q], ci = -im[q];
            double er = (zr + cr) / 2, ei = (zi + ci) / 2;
            double or = (zi - ci) / 2, oi = -(zr - cr) / 2;
            double xr = er + _splitCos[k] * or - _splitSin[k] * oi;
            double xi = ei + _splitCos[k] * oi + _splitSin[k] * or;
            power[k] = xr * xr + xi * xi;
        }
    }
}
