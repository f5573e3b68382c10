namespace StreamFusion.Audio.Features;

/// <summary>
/// In-place radix-2 complex FFT (double precision) over its own Real/Imaginary buffers, twiddles laid out per
/// stage; Inverse is scaled by 1/N. No allocation per call.
/// </summary>
internal sealed class ComplexFft
{
    private readonly int _size;
    private readonly int[] _bitReverse;
    private readonly double[] _stageCos, _stageSin; // the stage of length L starts at offset L/2 - 1

    public ComplexFft(int size)
    {
        if (!System.Numerics.BitOperations.IsPow2(size)) throw new ArgumentException("FFT size must be a power of two");
        _size = size;
        var bits = System.Numerics.BitOperations.Log2((uint)size);
        _bitReverse = new int[size];
        for (var i = 0; i < size; i++)
        {
            var r = 0;
            for (var b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            _bitReverse[i] = r;
        }
        _stageCos = new double[Math.Max(1, size - 1)];
        _stageSin = new double[Math.Max(1, size - 1)];
        for (var length = 2; length <= size; length <<= 1)
            for (var k = 0; k < length / 2; k++)
            {
                _stageCos[length / 2 - 1 + k] = Math.Cos(-2 * Math.PI * k / length);
                _stageSin[length / 2 - 1 + k] = Math.Sin(-2 * Math.PI * k / length);
            }
        Real = new double[size];
        Imaginary = new double[size];
    }

    public double[] Real { get; }
    public double[] Imaginary { get; }

    public void Forward() => Transform(sign: 1);

    public void Inverse()
    {
        Transform(sign: -1);
        for (var i = 0; i < _size; i++)
        {
            Real[i] /= _size;
            Imaginary[i] /= _size;
        }
    }

    private void Transform(int sign)
    {
        for (var i = 0; i < _size; i++)
        {
            var j = _bitReverse[i];
            if (j <= i) continue;
            (Real[i], Real[j]) = (Real[j], Real[i]);
            (Imaginary[i], Imaginary[j]) = (Imaginary[j], Imaginary[i]);
        }
        for (var length = 2; length <= _size; length <<= 1)
        {
            var half = length >> 1;
            var twiddles = half - 1;
            for (var start = 0; start < _size; start += length)
                for (var k = 0; k < half; k++)
                {
                    double wr = _stageCos[twiddles + k], wi = sign * _stageSin[twiddles + k];
                    int a = start + k, b = a + half;
                    var tr = Real[b] * wr - Imaginary[b] * wi;
                    var ti = Real[b] * wi + Imaginary[b] * wr;
                    Real[b] = Real[a] - tr;
                    Imaginary[b] = Imaginary[a] - ti;
                    Real[a] += tr;
                    Imaginary[a] += ti;
                }
        }
    }
}
