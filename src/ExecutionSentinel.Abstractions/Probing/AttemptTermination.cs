namespace ExecutionSentinel.Probing;

/// <summary>How one attempt of a task ended (a container's <c>terminated</c> state, or a pod-level end such as eviction).</summary>
/// <remarks>Public because detectors read it from <see cref="TaskObservation.Terminations"/> and custom probes report it.</remarks>
public sealed class AttemptTermination : IEquatable<AttemptTermination>
{
    /// <summary>Makes one.</summary>
    /// <param name="attempt">The attempt's number, 1 for the first.</param>
    /// <param name="reason">The runtime's reason (<c>OOMKilled</c>, <c>Error</c>, <c>Completed</c>, <c>Evicted</c>…), or <see langword="null"/>.</param>
    /// <param name="exitCode">The container's exit code, or <see langword="null"/> when it has none (e.g. evicted before running).</param>
    /// <param name="finishedAt">When the attempt ended, when known.</param>
    public AttemptTermination(int attempt, string? reason, int? exitCode, DateTimeOffset? finishedAt)
    {
        Attempt = attempt;
        Reason = reason;
        ExitCode = exitCode;
        FinishedAt = finishedAt;
    }

    /// <summary>The attempt's number, 1 for the first.</summary>
    public int Attempt { get; }

    /// <summary>The runtime's reason (<c>OOMKilled</c>, <c>Error</c>, <c>Completed</c>, <c>Evicted</c>…), or <see langword="null"/>.</summary>
    public string? Reason { get; }

    /// <summary>The container's exit code, or <see langword="null"/> when it has none (e.g. evicted before running).</summary>
    public int? ExitCode { get; }

    /// <summary>When the attempt ended, when known.</summary>
    public DateTimeOffset? FinishedAt { get; }

    /// <inheritdoc />
    public bool Equals(AttemptTermination? other) =>
        other is not null && Attempt == other.Attempt
        && Reason == other.Reason
        && ExitCode == other.ExitCode
        && FinishedAt == other.FinishedAt;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AttemptTermination);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Attempt, Reason, ExitCode, FinishedAt);
    /// <summary>Whether the attempt was killed for running out of memory (reason <c>OOMKilled</c>, matched leniently).</summary>
    public bool IsOomKilled => Reason is not null && Reason.Contains("OOMKilled", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the attempt's pod was evicted.</summary>
    public bool IsEvicted => Reason is not null && Reason.Contains("Evicted", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the attempt ended in failure (a non-zero exit code, or a failure reason without one).</summary>
    public bool IsFailure => ExitCode is { } code ? code != 0 : Reason is not null && !Reason.Equals("Completed", StringComparison.OrdinalIgnoreCase);
}
