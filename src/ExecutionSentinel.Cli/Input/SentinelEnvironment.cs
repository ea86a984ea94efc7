using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// The Python tool's environment variables, unchanged, read from the process and from a <c>.env</c> file (the process
/// wins over the file, and flags win over both): <c>SENTINEL_POLL_INTERVAL</c>, <c>SENTINEL_TIMEOUT</c>,
/// <c>SENTINEL_STRAGGLER_MULTIPLIER</c>, <c>SENTINEL_MASS_FAILURE_THRESHOLD</c>, <c>SENTINEL_LOG_LEVEL</c>, <c>SENTINEL_KUBECONFIG</c>.
/// </summary>
internal sealed record SentinelEnvironment
{
    public double? PollSeconds { get; init; }

    public double? TimeoutSeconds { get; init; }

    public double? StragglerMultiplier { get; init; }

    public double? MassFailureThreshold { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    public string? Kubeconfig { get; init; }

    /// <summary>Reads the variables; every bad one is named in one error.</summary>
    /// <param name="process">The process's variables.</param>
    /// <param name="dotEnvPath">The <c>.env</c> file.</param>
    /// <param name="required">Whether the file was named by the user (<c>--env-file</c>): then it must exist.</param>
    public static SentinelEnvironment Read(Func<string, string?> process, string? dotEnvPath, bool required = false)
    {
        var file = ReadDotEnv(dotEnvPath, required);
        string? Get(string name) => process(name) is { Length: > 0 } value ? value : file.GetValueOrDefault(name) is { Length: > 0 } fromFile ? fromFile : null;

        var problems = new List<string>();
        double? Number(string name)
        {
            if (Get(name) is not { } text)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                return value;
            }

            problems.Add($"{name} must be a number (was '{text}').");
            return null;
        }

        var environment = new SentinelEnvironment
        {
            PollSeconds = Number("SENTINEL_POLL_INTERVAL"),
            TimeoutSeconds = Number("SENTINEL_TIMEOUT"),
            StragglerMultiplier = Number("SENTINEL_STRAGGLER_MULTIPLIER"),
            MassFailureThreshold = Number("SENTINEL_MASS_FAILURE_THRESHOLD"),
            Kubeconfig = Get("SENTINEL_KUBECONFIG"),
            LogLevel = Get("SENTINEL_LOG_LEVEL") is { } level ? ParseLevel(level, problems) : LogLevel.Warning,
        };
        if (problems.Count > 0)
        {
            throw InputException.For(problems, "Bad environment variables:");
        }

        return environment;
    }

    private static Dictionary<string, string> ReadDotEnv(string? path, bool required)
    {
        if (path is null || (!required && !File.Exists(path)))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        if (Directory.Exists(path))
        {
            throw new InputException($"--env-file '{path}' is a directory, not a .env file.");
        }

        try
        {
            return DotEnv.Parse(File.ReadAllText(path), path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"--env-file '{path}' does not exist.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--env-file '{path}' cannot be read: {ex.Message}");
        }
    }

    private static LogLevel ParseLevel(string text, List<string> problems)
    {
        // Python's names first (DEBUG, INFO, WARNING, ERROR, CRITICAL), then .NET's.
        switch (text.Trim().ToUpperInvariant())
        {
            case "DEBUG": return LogLevel.Debug;
            case "INFO": return LogLevel.Information;
            case "WARNING" or "WARN": return LogLevel.Warning;
            case "ERROR": return LogLevel.Error;
            case "CRITICAL": return LogLevel.Critical;
        }

        // .NET's names too, but never a number: Enum.TryParse would take '42' as a level that does not exist.
        if (EnumNames.TryParse<LogLevel>(text, out var level))
        {
            return level;
        }

        problems.Add($"SENTINEL_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, or one of {EnumNames.List<LogLevel>()} (was '{text}').");
        return LogLevel.Warning;
    }
}
