using StreamFusion.Core.Config;
using StreamFusion.Fusion.Windows;
using StreamFusion.Fusion.Transcripts;

namespace StreamFusion.Hosting.Config;

/// <summary>Reads the `fusion:` section: windowing, weights, keywords, redaction and incident thresholds.</summary>
public static class FusionConfigReader
{
    public static FusionSettings Read(YamlSection? section)
    {
        var defaults = new FusionSettings();
        if (section is null) return defaults;
        var weights = new Dictionary<string, double>(defaults.ObjectWeights);
        foreach (var (label, weight) in section.NumberMap("object_weights", 0, 1, "a weight")) weights[label] = weight;
        var settings = defaults with
        {
            WindowSeconds = section.Duration("window", TimeSpan.FromSeconds(defaults.WindowSeconds)).TotalSeconds,
            MaxLateness = section.Duration("max_lateness", TimeSpan.FromSeconds(defaults.MaxLateness)).TotalSeconds,
            TranscriptLateness = section.Duration("transcript_lateness", TimeSpan.FromSeconds(defaults.TranscriptLateness)).TotalSeconds,
            SpeechLateness = section.Duration("speech_lateness", TimeSpan.FromSeconds(defaults.SpeechLateness)).TotalSeconds,
            CorrectionHorizon = section.Duration("correction_horizon", TimeSpan.FromSeconds(defaults.CorrectionHorizon)).TotalSeconds,
            ObjectWeights = weights,
            SpeechWeight = section.Number("speech_weight", defaults.SpeechWeight, 0, 1),
            KeywordWeight = section.Number("keyword_weight", defaults.KeywordWeight, 0, 1),
            ImpulseWeight = section.Number("impulse_weight", defaults.ImpulseWeight, 0, 1),
            LoudWeight = section.Number("loud_weight", defaults.LoudWeight, 0, 1),
            Keywords = section.StringList("keywords") ?? defaults.Keywords,
            Redaction = section.Choice("redaction", defaults.Redaction, TranscriptRedaction.TryParse, "none, keywords or full"),
            IncidentThreshold = section.Number("incident_threshold", defaults.IncidentThreshold, 0, 1),
            RequiredZones = section.StringList("required_zones") ?? defaults.RequiredZones,
        };
        if (settings.WindowSeconds <= 0) section.Error(null, "window", "must be longer than 0");
        section.RejectUnknownKeys();
        return settings;
    }
}
