namespace ExecutionSentinel.Probing;

/// <summary>The engine's completion signal (HyperFlow: the content of <c>/work_dir/.workflow-exit-code</c>).</summary>
/// <param name="ExitCode">The workflow's exit code, or <see langword="null"/> when <paramref name="RawValue"/> is not an exit code.</param>
/// <param name="RawValue">What the signal held, as read.</param>
public sealed record EngineSignal(int? ExitCode, string RawValue)
{
    /// <summary>Parses the content of a signal file: a trimmed integer is an exit code; anything else is unreadable.</summary>
    /// <param name="content">The file's content.</param>
    /// <returns>The signal; its <see cref="ExitCode"/> is <see langword="null"/> when the content is not an integer.</returns>
    public static EngineSignal Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var trimmed = content.Trim();
        return int.TryParse(trimmed, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var code)
            ? new EngineSignal(code, trimmed)
            : new EngineSignal(null, trimmed);
    }

    /// <summary>A signal carrying an exit code.</summary>
    /// <param name="exitCode">The workflow's exit code.</param>
    /// <returns>The signal.</returns>
    public static EngineSignal FromExitCode(int exitCode) =>
        new(exitCode, exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
