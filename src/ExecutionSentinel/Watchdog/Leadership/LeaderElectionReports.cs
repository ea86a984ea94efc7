namespace ExecutionSentinel.Watchdog;

/// <summary>The report of a failing leader election.</summary>
internal static class LeaderElectionReports
{
    public static SentinelReport Failed(LeaseLeadership lease, Exception exception, DateTimeOffset now) => new()
    {
        Kind = WatchdogReportKinds.LeaderElectionFailed,
        Severity = ReportSeverity.Error,
        Timestamp = now,
        Source = "watchdog",
        Message = $"Leader election on lease {lease.Describe()} failed ({exception.Message}): this replica does not intervene until it works again; retrying with back-off.",
        Details = new Dictionary<string, string>
        {
            ["lease"] = lease.Describe(),
            ["error"] = exception.GetType().Name,
        },
    };
}
