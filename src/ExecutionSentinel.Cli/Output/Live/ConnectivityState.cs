namespace ExecutionSentinel.Cli.Output.Live;

/// <summary>Whether the cluster can be observed, as the connectivity reports say.</summary>
internal enum ConnectivityStatus
{
    /// <summary>No loss reported.</summary>
    Ok,

    /// <summary>A <c>connectivity-lost</c> report, and no restore since.</summary>
    Lost,

    /// <summary>Lost, then restored: kept on screen, as the feed may no longer show the outage.</summary>
    Restored,
}

/// <summary>The connectivity shown in the live view's header, and since when (on the terminal's local clock).</summary>
internal readonly record struct ConnectivityState(ConnectivityStatus Status, DateTimeOffset? Since)
{
    /// <summary>The state after <paramref name="report"/>: only the connectivity reports change it.</summary>
    /// <param name="zone">The time zone the time is shown in (the application's <see cref="TimeProvider.LocalTimeZone"/>).</param>
    public ConnectivityState After(SentinelReport report, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Kind == ReportKind.ConnectivityLost)
        {
            return new(ConnectivityStatus.Lost, TimeZoneInfo.ConvertTime(report.Timestamp, zone));
        }

        return report.Kind == ReportKind.ConnectivityRestored ? new(ConnectivityStatus.Restored, TimeZoneInfo.ConvertTime(report.Timestamp, zone)) : this;
    }
}
