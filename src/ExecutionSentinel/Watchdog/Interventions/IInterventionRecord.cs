namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Where the hourly limit's record lives: the times of the interventions of the last hour, shared by every replica and
/// kept across restarts. Checking the limit and recording an intervention are one step.
/// </summary>
internal interface IInterventionRecord
{
    /// <summary>Where the record is kept, for messages.</summary>
    string Where { get; }

    /// <summary>Records one intervention at <paramref name="now"/> unless <paramref name="maxPerHour"/> were recorded in the hour before it.</summary>
    /// <param name="now">The time of the intervention.</param>
    /// <param name="maxPerHour">The limit.</param>
    /// <param name="mayWrite">Asked immediately before the record is written: whether this replica still leads.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="null"/> when recorded; <see cref="InterventionOutcome.RefusedLimit"/> when the limit is reached;
    /// <see cref="InterventionOutcome.RefusedNotLeader"/> when <paramref name="mayWrite"/> said no.</returns>
    ValueTask<InterventionOutcome?> TryRecordAsync(DateTimeOffset now, int maxPerHour, Func<bool> mayWrite, CancellationToken cancellationToken);
}
