namespace ExecutionSentinel.FakeKube;

/// <summary>What a request to the fake server may be.</summary>
public enum RequestKind
{
    Any,
    List,
    Watch,
    Get,
    Delete,
    Exec,
    Create,
    Update,
    Patch,
}

/// <summary>How a request fails.</summary>
public enum FaultKind
{
    /// <summary>500 Internal Server Error with a Status body.</summary>
    ServerError,

    /// <summary>429 Too Many Requests with <c>Retry-After: 1</c>.</summary>
    TooManyRequests,

    /// <summary>The connection is dropped without a response.</summary>
    ConnectionReset,

    /// <summary>No response until the client gives up.</summary>
    Hang,

    /// <summary>200 with a body that is not JSON (for a watch: one garbage line, then the stream ends).</summary>
    GarbageJson,

    /// <summary>410 Gone (for a watch: an ERROR event carrying a 410 Status, then the stream ends).</summary>
    Gone,

    /// <summary>For a watch: headers and nothing more, the connection held open (a silently stalled watch).</summary>
    Stall,
}

/// <summary>
/// Faults to inject: a queue of one-shot faults per kind of request, an outage that fails everything, and namespaces whose
/// every request fails (one workflow's namespace broken while others in the same cluster are fine).
/// </summary>
public sealed class FaultPlan
{
    private readonly object _lock = new();
    private readonly List<(RequestKind Target, FaultKind Fault)> _queue = [];
    private readonly Dictionary<string, FaultKind> _namespaces = new(StringComparer.Ordinal);

    /// <summary>While set, every request (but discovery) fails this way.</summary>
    public FaultKind? Outage { get; set; }

    public int Injected { get; private set; }

    /// <summary>Makes the next <paramref name="count"/> requests of <paramref name="target"/> fail with <paramref name="fault"/>.</summary>
    public void Add(RequestKind target, FaultKind fault, int count = 1)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _queue.Add((target, fault));
            }
        }
    }

    /// <summary>Makes every request into <paramref name="namespace"/> fail with <paramref name="fault"/> until <see cref="Restore"/>.</summary>
    public void FailNamespace(string @namespace, FaultKind fault)
    {
        lock (_lock)
        {
            _namespaces[@namespace] = fault;
        }
    }

    /// <summary>Ends <see cref="FailNamespace"/> for <paramref name="namespace"/>.</summary>
    public void Restore(string @namespace)
    {
        lock (_lock)
        {
            _namespaces.Remove(@namespace);
        }
    }

    internal FaultKind? Take(RequestKind kind, string? @namespace)
    {
        lock (_lock)
        {
            if (Outage is { } outage)
            {
                Injected++;
                return outage;
            }

            if (@namespace is not null && _namespaces.TryGetValue(@namespace, out var broken))
            {
                Injected++;
                return broken;
            }

            var at = _queue.FindIndex(f => f.Target == kind || f.Target == RequestKind.Any);
            if (at < 0)
            {
                return null;
            }

            var fault = _queue[at].Fault;
            _queue.RemoveAt(at);
            Injected++;
            return fault;
        }
    }
}
