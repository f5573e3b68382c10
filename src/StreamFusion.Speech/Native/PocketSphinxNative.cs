using System.Runtime.InteropServices;

namespace StreamFusion.Speech.Native;

/// <summary>
/// The part of Debian's PocketSphinx 5prealpha C API that decodes utterances (libpocketsphinx.so.3 and
/// libsphinxbase.so.3: the runtime packages, not the -dev ones that add the plain .so names).
/// </summary>
internal static unsafe partial class PocketSphinxNative
{
    private const string PocketSphinx = "libpocketsphinx.so.3";
    private const string SphinxBase = "libsphinxbase.so.3";

    [LibraryImport(PocketSphinx, EntryPoint = "ps_args")] public static partial nint Args();
    [LibraryImport(SphinxBase, EntryPoint = "cmd_ln_parse_r")] public static partial nint ParseArguments(nint previous, nint definitions, int argc, nint* argv, int strict);
    [LibraryImport(SphinxBase, EntryPoint = "cmd_ln_free_r")] public static partial int FreeArguments(nint config);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_init")] public static partial DecoderHandle Init(nint config);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_free")] public static partial int Free(nint decoder);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_start_utt")] public static partial int StartUtterance(DecoderHandle decoder);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_process_raw")] public static partial int ProcessRaw(DecoderHandle decoder, short* data, nuint samples, int noSearch, int fullUtterance);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_end_utt")] public static partial int EndUtterance(DecoderHandle decoder);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_get_hyp")] public static partial nint Hypothesis(DecoderHandle decoder, out int bestScore);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_get_logmath")] public static partial nint LogMath(DecoderHandle decoder);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_iter")] public static partial nint SegmentIterator(DecoderHandle decoder);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_next")] public static partial nint NextSegment(nint segment);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_word")] public static partial nint SegmentWord(nint segment);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_frames")] public static partial void SegmentFrames(nint segment, out int startFrame, out int endFrame);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_prob")] public static partial int SegmentProbability(nint segment, out int acoustic, out int language, out int backoff);
    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_free")] public static partial void FreeSegment(nint segment);
    [LibraryImport(SphinxBase, EntryPoint = "logmath_exp")] public static partial double Exp(nint logMath, int logProbability);

    public static string Utf8(nint text) => Marshal.PtrToStringUTF8(text) ?? "";

    /// <summary>A ps_decoder_t, freed once, after the last call using it.</summary>
    internal sealed class DecoderHandle() : SafeHandle(0, ownsHandle: true)
    {
        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            Free(handle);
            return true;
        }
    }
}
