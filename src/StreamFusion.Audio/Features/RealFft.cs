namespace StreamFusion.Audio.Features;

/// <summary>
/// Power spectrum |X[k]|², k = 0..N/2, of a real frame of N samples, in double precision: the frame is packed
/// as N/2 complex values (even samples real, odd imaginary), transformed with an in-place radix-2 FFT whose
/// twiddles are laid out per stage, and the two interleaved halves are separated afterwards. No allocation per call.
/// </summary>
internal sealed class RealFft
{
    private readonly int _size, _half;
    private readonly int[] _bitReverse;
    private readonly double[] _stageCos, _stageSin;   // stage s (length 2^(s+1)) starts at offset 2^s - 1
    private readonly double[] _splitCos, _splitSin;   // e^{-2πik/N}, k = 0..N/2
    private readonly double[] _re, _im;

    public RealFft(int size)
    {
        if (!System.Numerics.BitOperations.IsPow2(size) || size < 4) throw new ArgumentException("FFT size must be a power of two ≥ 4");
        _size = size;
        _half = size / 2;
        var bits = System.Numerics.BitOperations.Log2((uint)_half);
        _bitReverse = new int[_half];
        for (var i = 0; i < _half; i++)
        {
            var r = 0;
            for (var b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            _bitReverse[i] = r;
        }
        _stageCos = new double[_half];
        _stageSin = new double[_half];
        for (var length = 2; length <= _half; length <<= 1)
            for (var k = 0; k < length / 2; k++)
            {
                _stageCos[length / 2 - 1 + k] = Math.Cos(-2 * Math.PI * k / length);
                _stageSin[length / 2 - 1 + k] = Math.Sin(-2 * Math.PI * k / length);
            }
        _splitCos = new double[_half + 1];
        _splitSin = new double[_half + 1];
        for (var k = 0; k <= _half; k++)
        {
            _splitCos[k] = Math.Cos(-2 * Math.PI * k / size);
            _splitSin[k] = Math.Sin(-2 * Math.PI * k / size);
        }
        _re = new double[_half];
        _im = new double[_half];
    }

    /// <param name="frame">N real samples</param>
    /// <param name="power">N/2 + 1 outputs</param>
    public void PowerSpectrum(ReadOnlySpan<double> frame, Span<double> power)
    {
        for (var i = 0; i < _half; i++)
        {
            var j = _bitReverse[i];
            _re[j] = frame[2 * i];
            _im[j] = frame[2 * i + 1];
        }
        for (var length = 2; length <= _half; length <<= 1)
        {
            var half = length >> 1;
            var twiddles = half - 1;
            for (var start = 0; start < _half; start += length)
                for (var k = 0; k < half; k++)
                {
                    double wr = _stageCos[twiddles + k], wi = _stageSin[twiddles + k];
                    int a = start + k, b = a + half;
                    var tr = _re[b] * wr - _im[b] * wi;
                    var ti = _re[b] * wi + _im[b] * wr;
                    _re[b] = _re[a] - tr;
                    _im[b] = _im[a] - ti;
                    _re[a] += tr;
                    _im[a] += ti;
                }
        }
        // Z = FFT(even + i·odd): E[k] = (Z[k] + conj Z[M−k]) / 2, O[k] = (Z[k] − conj Z[M−k]) / 2i, X[k] = E[k] + W^k O[k].
        for (var k = 0; k <= _half; k++)
        {
            int p = k % _half, q = (_half - k) % _half;
            double zr = _re[p], zi = _im[p], cr = _re[q], ci = -_im[q];
            double er = (zr + cr) / 2, ei = (zi + ci) / 2;
            double or = (zi - ci) / 2, oi = -(zr - cr) / 2;
            double xr = er + _splitCos[k] * or - _splitSin[k] * oi;
            double xi = ei + _splitCos[k] * oi + _splitSin[k] * or;
            power[k] = xr * xr + xi * xi;
        }
    }
}
