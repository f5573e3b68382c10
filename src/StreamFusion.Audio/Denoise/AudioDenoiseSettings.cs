namespace StreamFusion.Audio.Denoise;

/// <summary>
/// Audio clean-up before analysis: a high-pass filter (rumble, wind, mains hum harmonics below the cutoff) and
/// stationary-noise reduction by spectral subtraction against a running per-band noise estimate.
/// </summary>
/// <param name="HighPassHz">cutoff of the 2nd-order Butterworth high-pass; 0 turns it off</param>
/// <param name="Subtraction">how many times the noise estimate is subtracted (over-subtraction); 0 turns reduction off</param>
/// <param name="Floor">lowest gain a band is cut to (limits "musical noise")</param>
/// <param name="NoiseRiseDbPerSecond">how fast the noise estimate may rise (it falls at once)</param>
public sealed record AudioDenoiseSettings(bool Enabled = false, double HighPassHz = 80, float Subtraction = 2f, float Floor = 0.05f, double NoiseRiseDbPerSecond = 3);
