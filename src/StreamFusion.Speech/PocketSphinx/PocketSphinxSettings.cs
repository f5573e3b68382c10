namespace StreamFusion.Speech.PocketSphinx;

/// <summary>What a PocketSphinx engine listens for and with which model (Debian's pocketsphinx-en-us by default).</summary>
public sealed record PocketSphinxSettings
{
    public const string DebianModelDirectory = "/usr/share/pocketsphinx/model/en-us";

    public string AcousticModel { get; init; } = Path.Combine(DebianModelDirectory, "en-us");
    public string Dictionary { get; init; } = Path.Combine(DebianModelDirectory, "cmudict-en-us.dict");
    public string LanguageModel { get; init; } = Path.Combine(DebianModelDirectory, "en-us.lm.bin");

    /// <summary>Watch-list phrases and each one's detection threshold (smaller: more hits, more false alarms); empty spots none.</summary>
    public IReadOnlyDictionary<string, double> Keywords { get; init; } = new Dictionary<string, double>();

    /// <summary>Also transcribe each utterance with the general language model (costs far more than spotting).</summary>
    public bool Transcribe { get; init; }

    /// <summary>
    /// The spotter's phone-loop probability (-kws_plp): how readily the garbage model that competes with every
    /// phrase wins. With it, a phrase's threshold is a likelihood ratio against that loop.
    /// </summary>
    public double PhoneLoopProbability { get; init; } = 1e-10;

    /// <summary>
    /// A phrase's threshold when none is given, with the default phone loop: chosen on the first 10 GRID clips by
    /// name (recall 0.85, precision 0.85 there), reported on the other 10 (the README's speech section).
    /// </summary>
    public const double DefaultThreshold = 1e16;
}
