namespace StreamFusion.Cli;

/// <summary>Process exit codes; documented in the README.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;        // a stage failed, or an internal error
    public const int BadUsage = 2;       // bad arguments or config
    public const int BadInput = 3;       // media missing, not media, unsupported, asset or model missing or wrong
    public const int Network = 4;        // a network source failed or timed out
    public const int DeviceUnavailable = 5; // the requested inference device (cuda, tensorrt) is not available
    public const int Interrupted = 130;  // stopped by Ctrl+C (after draining)
    public const int Terminated = 143;   // stopped by SIGTERM (after draining)
}
