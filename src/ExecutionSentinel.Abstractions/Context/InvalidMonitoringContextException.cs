namespace ExecutionSentinel;

/// <summary>
/// Thrown when a <see cref="MonitoringContext"/> cannot be watched; <see cref="Problems"/> lists every problem at once.
/// </summary>
public sealed class InvalidMonitoringContextException : ArgumentException
{
    /// <summary>Creates the exception from the list of problems.</summary>
    /// <param name="problems">Every problem found, one sentence each.</param>
    public InvalidMonitoringContextException(IReadOnlyList<string> problems)
        : base(FormatMessage(problems), "context")
    {
        Problems = problems;
    }

    /// <summary>Every problem found, one sentence each, naming where it is.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string FormatMessage(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return $"The monitoring context is invalid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):"
            + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p));
    }
}
