using System.CommandLine;
using StreamFusion.Hosting.Config;
using StreamFusion.Speech;

namespace StreamFusion.Cli.Commands;

/// <summary>`--speech ENGINE` and its companions, for replay, live and run: the cameras' own speech recognition.</summary>
public sealed class SpeechOptions
{
    private readonly Option<string?> _engine = new("--speech") { Description = "recognise the cameras' speech in process: pocketsphinx (keywords from --keywords / fusion.keywords), whisper (with --whisper-model) or none" };
    private readonly Option<string?> _mode = new("--speech-mode") { Description = "keywords, transcribe or both (default: keywords when there is a watch-list, else transcribe)" };
    private readonly Option<string?> _whisperModel = new("--whisper-model") { Description = "ggml whisper model file for --speech whisper, e.g. ggml-base.en.bin" };

    public SpeechOptions()
    {
        _engine.AcceptOnlyFromAmong("none", "pocketsphinx", "whisper");
        _mode.AcceptOnlyFromAmong("keywords", "transcribe", "both");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_engine);
        command.Options.Add(_mode);
        command.Options.Add(_whisperModel);
    }

    /// <summary>The camera with the options' speech settings over its own (unchanged when none are given); speech turns audio on.</summary>
    public CameraConfig Apply(ParseResult parse, CameraConfig camera, IReadOnlyList<string> keywords)
    {
        var speech = camera.Speech;
        if (parse.GetValue(_engine) is { } name)
        {
            SpeechSettings.TryParseEngine(name, out var engine);
            speech = speech with { Engine = engine };
        }
        if (parse.GetValue(_mode) is { } mode) speech = speech with { Mode = SpeechConfig.TryParseMode(mode, out var chosen) ? chosen : null };
        if (parse.GetValue(_whisperModel) is { } model) speech = speech with { WhisperModel = Path.GetFullPath(model) };
        if (speech == camera.Speech) return camera;
        if (!speech.Enabled) return camera with { Speech = speech };
        if (!camera.Decode.Audio) throw new ArgumentException("--speech needs audio: drop --no-audio");
        if (speech.Problems(keywords).FirstOrDefault() is ({ } key, { } problem))
        {
            var option = key switch { "mode" => "--speech-mode", "whisper.model" => "--whisper-model", _ => $"speech.{key}" };
            throw new ArgumentException($"--speech {speech.Engine.ToString().ToLowerInvariant()}: {option}: {problem}");
        }
        return camera with
        {
            Speech = speech,
            Audio = camera.Audio with { Enabled = true },
            Decode = camera.Decode with { AudioSampleRate = camera.Audio.Mfcc.SampleRate },
        };
    }
}
