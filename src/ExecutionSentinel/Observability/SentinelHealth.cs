using System.Collections.Concurrent;

namespace ExecutionSentinel.Observability;

/// <summary>What the running watches say about their connection to the cluster, for the health check.</summary>
internal sealed class SentinelHealth
{
    private readonly ConcurrentDictionary<long, WatchHealth> _watches = new();
    private long _next;

    public long Begin(string @namespace)
    {
        var id = Interlocked.Increment(ref _next);
        _watches[id] = new WatchHealth(@namespace, ConnectivityLost: false, LastError: null);
        return id;
    }

    public void Update(long id, bool connectivityLost, string? lastError)
    {
        if (_watches.TryGetValue(id, out var current))
        {
            _watches[id] = current with { ConnectivityLost = connectivityLost, LastError = lastError };
        }
    }

    public void End(long id) => _watches.TryRemove(id, out _);

    public IReadOnlyCollection<WatchHealth> Snapshot() => [.. _watches.Values];

    internal sealed record WatchHealth(string Namespace, bool ConnectivityLost, string? LastError);
}
