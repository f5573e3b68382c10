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
    /// A phrase's threshold when none is given: the best F1 for the GRID colours and adverbs on either half of the
    /// 20 clips (the README's speech section has the numbers).
    /// </summary>
    public const double DefaultThreshold = 1e-6;
}
