namespace ExecutionSentinel.Probing;

/// <summary>How one attempt of a task ended (a container's <c>terminated</c> state, or a pod-level end such as eviction).</summary>
/// <param name="Attempt">The attempt's number, 1 for the first.</param>
/// <param name="Reason">The runtime's reason (<c>OOMKilled</c>, <c>Error</c>, <c>Completed</c>, <c>Evicted</c>…), or <see langword="null"/>.</param>
/// <param name="ExitCode">The container's exit code, or <see langword="null"/> when it has none (e.g. evicted before running).</param>
/// <param name="FinishedAt">When the attempt ended, when known.</param>
public sealed record AttemptTermination(int Attempt, string? Reason, int? ExitCode, DateTimeOffset? FinishedAt)
{
    /// <summary>Whether the attempt was killed for running out of memory (reason <c>OOMKilled</c>, matched leniently).</summary>
    public bool IsOomKilled => Reason is not null && Reason.Contains("OOMKilled", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the attempt's pod was evicted.</summary>
    public bool IsEvicted => Reason is not null && Reason.Contains("Evicted", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the attempt ended in failure (a non-zero exit code, or a failure reason without one).</summary>
    public bool IsFailure => ExitCode is { } code ? code != 0 : Reason is not null && !Reason.Equals("Completed", StringComparison.OrdinalIgnoreCase);
}
