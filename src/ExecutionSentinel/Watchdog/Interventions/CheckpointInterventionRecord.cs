using ExecutionSentinel.Checkpoints;
using System.Globalization;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// The hourly limit's record in the checkpoint store, for a single replica (without leader election): it outlives
/// restarts. Check and record are one step within this process (the gate counts one intervention at a time); replicas
/// sharing a store without leader election are not supported, as for checkpoints.
/// </summary>
internal sealed class CheckpointInterventionRecord(ICheckpointStore store) : IInterventionRecord
{
    /// <summary>The record's key: '#' is in no namespace or pod name, so no workflow's checkpoint can have it.</summary>
    public const string Key = "#interventions";

    public string Where => $"the checkpoint store, key '{Key}'";

    public async ValueTask<InterventionOutcome?> TryRecordAsync(DateTimeOffset now, int maxPerHour, Func<bool> mayWrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mayWrite);
        var saved = await store.LoadAsync(Key, cancellationToken).ConfigureAwait(false);
        var recent = LeaseInterventionRecord.Parse(string.Join(',', saved?.Reported ?? [])).Where(t => t > now - TimeSpan.FromHours(1)).ToList();
        if (recent.Count >= maxPerHour)
        {
            return InterventionOutcome.RefusedLimit;
        }

        if (!mayWrite())
        {
            return InterventionOutcome.RefusedNotLeader;
        }

        recent.Add(now);
        var record = new WatchCheckpoint
        {
            Reported = [.. recent.Order().Select(t => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))],
            SavedAt = now,
        };
        await store.SaveAsync(Key, record, cancellationToken).ConfigureAwait(false);
        return null;
    }
}
