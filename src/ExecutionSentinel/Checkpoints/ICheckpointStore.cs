namespace ExecutionSentinel.Checkpoints;

/// <summary>Where a watch keeps what it has reported, so that a conductor restarted after a crash resumes without repeating itself.</summary>
/// <remarks>Public because applications implement it to keep checkpoints where they choose.</remarks>
public interface ICheckpointStore
{
    /// <summary>The checkpoint of a workflow, or <see langword="null"/> when there is none.</summary>
    /// <param name="key">The workflow's key (namespace and engine pod).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoint.</returns>
    ValueTask<WatchCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Saves a workflow's checkpoint, replacing the previous one atomically.</summary>
    /// <param name="key">The workflow's key.</param>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when it is saved.</returns>
    ValueTask SaveAsync(string key, WatchCheckpoint checkpoint, CancellationToken cancellationToken);
}

/// <summary>What a watch has said so far.</summary>
/// <remarks>Public because an <see cref="ICheckpointStore"/> of the application stores it.</remarks>
public sealed class WatchCheckpoint
{
    /// <summary>The identities of the reports already emitted (kind, task, attempt…).</summary>
    public IReadOnlyList<string> Reported { get; init; } = [];

    /// <summary>The progress when it was saved: the baseline of the resumed watch.</summary>
    public ProgressCounts Progress { get; init; }

    /// <summary>When it was saved.</summary>
    public DateTimeOffset SavedAt { get; init; }
}
