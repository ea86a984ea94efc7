namespace ExecutionSentinel.Cli.Input;

/// <summary>Checks that a directory flag (<c>--checkpoints</c>, <c>--history</c>) names a directory the tool can write to, before anything is watched.</summary>
internal static class Checkpoints
{
    public static string Check(string directory, string flag = "--checkpoints")
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new InputException($"{flag} must name a directory (was empty).");
        }

        if (File.Exists(directory))
        {
            throw new InputException($"{flag} '{directory}' is a file, not a directory.");
        }

        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".execution-sentinel-{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return directory;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"{flag} '{directory}' is not a writable directory: {ex.Message}");
        }
    }
}
