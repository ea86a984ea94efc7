namespace ExecutionSentinel.Probing;

/// <summary>The engine's completion signal (HyperFlow: the content of <c>/work_dir/.workflow-exit-code</c>).</summary>
/// <remarks>Public because detectors read it and custom probes report it.</remarks>
public sealed class EngineSignal
{
    /// <summary>Makes one.</summary>
    /// <param name="exitCode">The workflow's exit code, or <see langword="null"/> when <see cref="RawValue"/> is not an exit code.</param>
    /// <param name="rawValue">What the signal held, as read.</param>
    public EngineSignal(int? exitCode, string rawValue)
    {
        ExitCode = exitCode;
        RawValue = rawValue;
    }

    /// <summary>The workflow's exit code, or <see langword="null"/> when <see cref="RawValue"/> is not an exit code.</summary>
    public int? ExitCode { get; }

    /// <summary>What the signal held, as read.</summary>
    public string RawValue { get; }

    /// <summary>
    /// Whether the engine said only that it ended, not how (HyperFlow's <c>postprocStart</c> marker): the sentinel then
    /// takes the exit code from its own record of every task it saw fail, 1 if any did, else 0.
    /// </summary>
    public bool IsEndMarker { get; internal init; }

    /// <summary>A signal that says the run ended without saying how.</summary>
    /// <param name="description">What was seen (the marker file's path), for messages.</param>
    /// <returns>The signal.</returns>
    public static EngineSignal EndMarker(string description) => new(null, description) { IsEndMarker = true };

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
