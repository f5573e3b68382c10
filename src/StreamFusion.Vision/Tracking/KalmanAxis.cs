namespace StreamFusion.Vision.Tracking;

/// <summary>
/// A constant-velocity Kalman filter for one box coordinate (position and velocity), with time steps taken from
/// the media clock so skipped frames are predicted across correctly. Noise is given as standard deviations:
/// of a measurement (px), of the unknown initial velocity (px/s), and of the acceleration (px/s²).
/// </summary>
internal struct KalmanAxis
{
    private readonly float _accelerationVariance, _measurementVariance;
    private float _position, _velocity;
    private float _p00, _p01, _p11;

    public KalmanAxis(float position, float measurementStd, float initialVelocityStd, float accelerationStd)
    {
        _position = position;
        _measurementVariance = measurementStd * measurementStd;
        _accelerationVariance = accelerationStd * accelerationStd;
        _p00 = _measurementVariance;
        _p11 = initialVelocityStd * initialVelocityStd;
    }

    public readonly float Position => _position;

    public void Predict(float dt)
    {
        _position += _velocity * dt;
        // P = F P F' + Q, with F = [[1, dt], [0, 1]] and white-acceleration noise.
        var q = _accelerationVariance;
        var p00 = _p00 + dt * (2 * _p01 + dt * _p11) + q * dt * dt * dt * dt / 4;
        var p01 = _p01 + dt * _p11 + q * dt * dt * dt / 2;
        var p11 = _p11 + q * dt * dt;
        (_p00, _p01, _p11) = (p00, p01, p11);
    }

    public void Update(float measured)
    {
        var innovation = measured - _position;
        var s = _p00 + _measurementVariance;
        var k0 = _p00 / s;
        var k1 = _p01 / s;
        _position += k0 * innovation;
        _velocity += k1 * innovation;
        (_p00, _p01, _p11) = ((1 - k0) * _p00, (1 - k0) * _p01, _p11 - k1 * _p01);
    }
}
