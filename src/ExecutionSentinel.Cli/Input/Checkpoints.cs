namespace ExecutionSentinel.Cli.Input;

/// <summary>Checks that <c>--checkpoints</c> names a directory the tool can write to, before anything is watched.</summary>
internal static class Checkpoints
{
    public static string Check(string directory)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new InputException("--checkpoints must name a directory (was empty).");
        }

        if (File.Exists(directory))
        {
            throw new InputException($"--checkpoints '{directory}' is a file, not a directory.");
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
            throw new InputException($"--checkpoints '{directory}' is not a writable directory: {ex.Message}");
        }
    }
}
