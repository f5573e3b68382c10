namespace StreamFusion.Audio.Events;

/// <summary>A sound event on the media clock: "impulse" (a sudden bang, clap, knock) or "sustained-loud" (alarm, shouting).</summary>
public sealed record AcousticEvent(string Kind, double Start, double End, float Score, float PeakDb);

/// <summary>Thresholds for the event detectors (levels in dBFS, times in seconds).</summary>
public sealed record EventSettings(
    float ImpulseRiseDb = 12, float ImpulseAboveBackgroundDb = 15, float ImpulseMinDb = -45, float ImpulseDecayDb = 12, double ImpulseMaxDecay = 0.15, float ImpulseMinHighBand = 0.5f, float ImpulseOverSpeechDb = 6, double ImpulseSettle = 0.4,
    float LoudDb = -20, double LoudMinLength = 1.0, double LoudMaxGap = 0.1);
