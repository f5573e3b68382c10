namespace StreamFusion.Tests.Evidence;

/// <summary>The held scene of the evidence tests: 12 s of the lobby camera with real speech, "help" said from 6 s (one incident).</summary>
internal static class LobbyScene
{
    public static (string Media, string Transcript) Write(TempDirectory temp)
    {
        var lobby = temp.File("lobby.mkv");
        Processes.Tool("ffmpeg", "-v", "error", "-i", TestAssets.Media("one-by-one-person-detection.mp4"), "-i", TestAssets.Media("jfk.wav"),
            "-t", "12", "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", lobby);
        File.WriteAllText(temp.File("help.srt"), "1\n00:00:06,000 --> 00:00:09,000\nhelp me please\n\n");
        return (lobby, temp.File("help.srt"));
    }
}
