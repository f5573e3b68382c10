namespace StreamFusion.Audio.Features;

/// <summary>In-place radix-2 complex FFT (double precision) over its own Real/Imaginary buffers; Inverse is scaled by 1/N.</summary>
internal sealed class ComplexFft
{
    private readonly int _size;
    private readonly int[] _bitReverse;
    private readonly double[] _cos, _sin;

    public ComplexFft(int size)
    {
        if (!System.Numerics.BitOperations.IsPow2(size)) throw new ArgumentException("FFT size must be a power of two");
        _size = size;
        var bits = System.Numerics.BitOperations.Log2((uint)size);
        _bitReverse = Enumerable.Range(0, size).Select(i =>
        {
            var r = 0;
            for (var b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            return r;
        }).ToArray();
        _cos = Enumerable.Range(0, size / 2).Select(i => Math.Cos(-2 * Math.PI * i / size)).ToArray();
        _sin = Enumerable.Range(0, size / 2).Select(i => Math.Sin(-2 * Math.PI * i / size)).ToArray();
        Real = new double[size];
        Imaginary = new double[size];
    }

    public double[] Real { get; }
    public double[] Imaginary { get; }

    public void Forward() => Transform(inverse: false);

    public void Inverse()
    {
        Transform(inverse: true);
        for (var i = 0; i < _size; i++)
        {
            Real[i] /= _size;
            Imaginary[i] /= _size;
        }
    }

    private void Transform(bool inverse)
    {
        for (var i = 0; i < _size; i++)
        {
            var j = _bitReverse[i];
            if (j <= i) continue;
            (Real[i], Real[j]) = (Real[j], Real[i]);
            (Imaginary[i], Imaginary[j]) = (Imaginary[j], Imaginary[i]);
        }
        var sign = inverse ? -1 : 1;
        for (var length = 2; length <= _size; length <<= 1)
        {
            var half = length >> 1;
            var step = _size / length;
            for (var start = 0; start < _size; start += length)
                for (var k = 0; k < half; k++)
                {
                    double wr = _cos[k * step], wi = sign * _sin[k * step];
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
