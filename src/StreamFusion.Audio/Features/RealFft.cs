namespace StreamFusion.Audio.Features;

/// <summary>
/// In-place radix-2 FFT of a real frame (as complex with zero imaginary parts), with twiddles and bit reversal
/// precomputed, computed in double precision, giving the power spectrum |X[k]|², k = 0..N/2. No allocation per call.
/// </summary>
internal sealed class RealFft
{
    private readonly int _size;
    private readonly int[] _bitReverse;
    private readonly double[] _cos, _sin;
    private readonly double[] _re, _im;

    public RealFft(int size)
    {
        if (!System.Numerics.BitOperations.IsPow2(size)) throw new ArgumentException("FFT size must be a power of two");
        _size = size;
        _bitReverse = new int[size];
        var bits = System.Numerics.BitOperations.Log2((uint)size);
        for (var i = 0; i < size; i++)
        {
            var r = 0;
            for (var b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            _bitReverse[i] = r;
        }
        _cos = new double[size / 2];
        _sin = new double[size / 2];
        for (var i = 0; i < size / 2; i++)
        {
            _cos[i] = Math.Cos(-2 * Math.PI * i / size);
            _sin[i] = Math.Sin(-2 * Math.PI * i / size);
        }
        _re = new double[size];
        _im = new double[size];
    }

    /// <param name="frame">N real samples</param>
    /// <param name="power">N/2 + 1 outputs</param>
    public void PowerSpectrum(ReadOnlySpan<double> frame, Span<double> power)
    {
        for (var i = 0; i < _size; i++)
        {
            _re[_bitReverse[i]] = frame[i];
            _im[_bitReverse[i]] = 0;
        }
        for (var length = 2; length <= _size; length <<= 1)
        {
            var half = length >> 1;
            var step = _size / length;
            for (var start = 0; start < _size; start += length)
            {
                for (var k = 0; k < half; k++)
                {
                    double wr = _cos[k * step], wi = _sin[k * step];
                    int a = start + k, b = a + half;
                    var tr = _re[b] * wr - _im[b] * wi;
                    var ti = _re[b] * wi + _im[b] * wr;
                    _re[b] = _re[a] - tr;
                    _im[b] = _im[a] - ti;
                    _re[a] += tr;
                    _im[a] += ti;
                }
            }
        }
        for (var k = 0; k <= _size / 2; k++)
            power[k] = _re[k] * _re[k] + _im[k] * _im[k];
    }
}
