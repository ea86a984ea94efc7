using System.Collections.Concurrent;
using ExecutionSentinel.Checkpoints;
using ExecutionSentinel.Watchdog;

namespace ExecutionSentinel.Tests.Support;

/// <summary>
/// A checkpoint store in memory that outlives the service providers using it (a restart in a test is a new provider on the
/// same store). Completes synchronously, so fake time never moves while a checkpoint is being written.
/// </summary>
internal sealed class MemoryCheckpointStore : ICheckpointStore
{
    private readonly ConcurrentDictionary<string, WatchCheckpoint> _saved = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, WatchCheckpoint> Saved => _saved;

    public ValueTask<WatchCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken) => ValueTask.FromResult(_saved.GetValueOrDefault(key));

    public ValueTask SaveAsync(string key, WatchCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        _saved[key] = checkpoint;
        return ValueTask.CompletedTask;
    }
}
