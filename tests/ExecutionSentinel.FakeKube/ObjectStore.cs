using System.Globalization;
using System.Text.Json.Nodes;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// The API server's storage: objects as real Kubernetes JSON, one resource version counter for all of them (as etcd's
/// revision), a history of changes (each with the object before and after) from which watches resume and past states
/// are rebuilt (paginated lists, exact-version lists), and the open watches. The history is bounded by a count and by
/// age, as etcd's compaction and the watch cache bound theirs; what falls out of it answers 410 Expired.
/// </summary>
public sealed class ObjectStore
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<(string Resource, string Namespace, string Name), StoredObject> _objects = [];
    private readonly LinkedList<StoredEvent> _history = new();
    private readonly List<Watcher> _watchers = [];
    private readonly ChangeSignal _advanced = new();
    private long _version = 1000;
    private long _oldest = 1000;

    public ObjectStore()
        : this(TimeProvider.System)
    {
    }

    public ObjectStore(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>How many changes are kept for watches to resume from (and past lists to be rebuilt from). Default 10,000.</summary>
    public int HistoryWindow { get; set; } = 10_000;

    /// <summary>How long a change is kept, on the store's clock; <see langword="null"/> keeps changes by count only. Default 5 min (etcd's compaction interval).</summary>
    public TimeSpan? HistoryRetention { get; set; } = TimeSpan.FromMinutes(5);

    public long CurrentVersion
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>The oldest version a watch may start from (or a list be read at): every change after it is still kept.</summary>
    public long OldestResumableVersion
    {
        get
        {
            lock (_lock)
            {
                Trim();
                return _oldest;
            }
        }
    }

    public int ActiveWatchCount
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>Open watches that still send events (not stalled).</summary>
    public int LiveWatchCount
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count(w => !w.Stalled);
            }
        }
    }

    /// <summary>The open watches now: what each follows and how far it has been given events.</summary>
    public IReadOnlyList<WatchState> Watches
    {
        get
        {
            lock (_lock)
            {
                return [.. _watchers.Select(w => w.State)];
            }
        }
    }

    /// <summary>Pulsed whenever the resource version moves on.</summary>
    internal ChangeSignal Advanced => _advanced;

    /// <summary>
    /// Creates or replaces an object (as the cluster's own components do: no checks), giving it the next resource version,
    /// a uid and a creation time when new. A deletion under way (<c>deletionTimestamp</c>) is kept, as the server keeps it.
    /// </summary>
    public StoredObject Upsert(string resource, JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        lock (_lock)
        {
            var metadata = json["metadata"]!.AsObject();
            var key = (resource, (string?)metadata["namespace"] ?? "", (string)metadata["name"]!);
            _objects.TryGetValue(key, out var previous);
            return Write(resource, json, previous);
        }
    }

    /// <summary>Changes an object in place (a copy of it is passed to <paramref name="change"/>); null when it does not exist.</summary>
    public StoredObject? Update(string resource, string ns, string name, Action<JsonObject> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            if (!_objects.TryGetValue((resource, ns, name), out var previous))
            {
                return null;
            }

            var json = previous.Node.DeepClone().AsObject();
            change(json);
            return Write(resource, json, previous);
        }
    }

    /// <summary>Creates an object unless one of that name exists (then null).</summary>
    internal StoredObject? TryCreate(string resource, JsonObject json)
    {
        lock (_lock)
        {
            var metadata = json["metadata"]!.AsObject();
            return _objects.ContainsKey((resource, (string?)metadata["namespace"] ?? "", (string)metadata["name"]!)) ? null : Write(resource, json, previous: null);
        }
    }

    /// <summary>Replaces an existing object, if it is still at <paramref name="expectedVersion"/> when one is given.</summary>
    /// <returns>The stored object (null when it does not exist or was at another version), and the object found.</returns>
    internal (StoredObject? Stored, StoredObject? Found) TryReplace(string resource, JsonObject json, long? expectedVersion)
    {
        lock (_lock)
        {
            var metadata = json["metadata"]!.AsObject();
            if (!_objects.TryGetValue((resource, (string?)metadata["namespace"] ?? "", (string)metadata["name"]!), out var previous))
            {
                return (null, null);
            }

            return expectedVersion is { } expected && expected != previous.ResourceVersion ? (null, previous) : (Write(resource, json, previous), previous);
        }
    }

    /// <summary>Removes an object at once; the DELETED event carries its last state at a new resource version.</summary>
    public StoredObject? Delete(string resource, string ns, string name)
    {
        lock (_lock)
        {
            if (!_objects.Remove((resource, ns, name), out var existing))
            {
                return null;
            }

            var json = existing.Node.DeepClone().AsObject();
            json["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
            var gone = new StoredObject(resource, json);
            Publish(new StoredEvent("DELETED", gone, existing, _time.GetUtcNow()));
            return gone;
        }
    }

    public StoredObject? Get(string resource, string ns, string name)
    {
        lock (_lock)
        {
            return _objects.GetValueOrDefault((resource, ns, name));
        }
    }

    /// <summary>The namespaces that hold objects now (cluster-scoped objects, stored under <c>""</c>, are in none).</summary>
    public IReadOnlyList<string> Namespaces()
    {
        lock (_lock)
        {
            return [.. _objects.Keys.Select(k => k.Namespace).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>The objects of a kind in a namespace (all namespaces when <paramref name="ns"/> is null), ordered by namespace and name.</summary>
    public (IReadOnlyList<StoredObject> Items, long Version) List(string resource, string? ns, LabelSelector selector) =>
        List(resource, ns, selector, FieldSelector.Everything);

    public (IReadOnlyList<StoredObject> Items, long Version) List(string resource, string? ns, LabelSelector selector, FieldSelector fields)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(fields);
        lock (_lock)
        {
            return (Select(_objects.Values, resource, ns, selector, fields), _version);
        }
    }

    /// <summary>The objects as they were at <paramref name="version"/>, rebuilt from the history; null when that is no longer kept.</summary>
    public IReadOnlyList<StoredObject>? ListAt(long version, string resource, string? ns, LabelSelector selector, FieldSelector fields)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(fields);
        lock (_lock)
        {
            Trim();
            if (version < _oldest || version > _version)
            {
                return null;
            }

            var state = _objects.Where(p => p.Key.Resource == resource && (ns is null || p.Key.Namespace == ns)).ToDictionary(p => p.Key, p => p.Value);
            for (var node = _history.Last; node is not null && node.Value.Version > version; node = node.Previous)
            {
                var change = node.Value;
                if (change.Object.Resource != resource || (ns is not null && change.Object.Namespace != ns))
                {
                    continue;
                }

                var key = (change.Object.Resource, change.Object.Namespace, change.Object.Name);
                if (change.Type == "ADDED")
                {
                    state.Remove(key);
                }
                else
                {
                    state[key] = change.Previous!;
                }
            }

            return Select(state.Values, resource, ns, selector, fields);
        }
    }

    /// <summary>Opens a watch. From version 0 (or none) it starts with an ADDED event per existing object.</summary>
    /// <returns>The watcher, or <see langword="null"/> when <paramref name="fromVersion"/> is older than the history kept (410).</returns>
    public Watcher? Watch(string resource, string? ns, LabelSelector selector, long? fromVersion, bool bookmarks) =>
        Watch(resource, ns, selector, FieldSelector.Everything, fromVersion, bookmarks);

    /// <returns>The watcher, or <see langword="null"/> when <paramref name="fromVersion"/> is older than the history kept (410).</returns>
    public Watcher? Watch(string resource, string? ns, LabelSelector selector, FieldSelector fields, long? fromVersion, bool bookmarks)
    {
        lock (_lock)
        {
            var watcher = new Watcher(this, resource, ns, selector, fields, bookmarks, fromVersion is null or 0 ? _version : fromVersion.Value);
            if (fromVersion is null or 0)
            {
                foreach (var item in Select(_objects.Values, resource, ns, selector, fields))
                {
                    watcher.EnqueueObject("ADDED", item);
                }
            }
            else
            {
                Trim();
                if (fromVersion < _oldest)
                {
                    return null;
                }

                foreach (var change in _history.Where(e => e.Version > fromVersion))
                {
                    watcher.Offer(change);
                }
            }

            _watchers.Add(watcher);
            return watcher;
        }
    }

    /// <summary>Forgets all history: a watch may still start from the current version, but every older version now answers 410.</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _history.Clear();
            _oldest = _version;
        }
    }

    /// <summary>Sends a BOOKMARK at the current version to every watch that asked for bookmarks.</summary>
    public void Bookmark()
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers.Where(w => w.Bookmarks))
            {
                watcher.EnqueueBookmark(_version);
            }
        }
    }

    /// <summary>Ends every open watch now, as a server does at its timeout or when it restarts.</summary>
    public void CloseAllWatches()
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers.ToList())
            {
                watcher.Close();
            }
        }
    }

    /// <summary>Keeps every open watch connected but sends it nothing more: the silent stop seen in the C# client.</summary>
    public void StallAllWatches()
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Stalled = true;
            }
        }
    }

    internal void Remove(Watcher watcher)
    {
        lock (_lock)
        {
            _watchers.Remove(watcher);
        }
    }

    /// <summary>Waits (on the store's clock) until the store reaches <paramref name="version"/>; false when it did not within <paramref name="wait"/>.</summary>
    /// <param name="waiting">Told once the wait has begun (its clock is running).</param>
    internal async Task<bool> WaitForVersionAsync(long version, TimeSpan wait, Action? waiting, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        waiting?.Invoke();
        while (true)
        {
            var next = _advanced.Next;
            if (CurrentVersion >= version)
            {
                return true;
            }

            try
            {
                await next.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return CurrentVersion >= version;
            }
        }
    }

    private StoredObject Write(string resource, JsonObject json, StoredObject? previous)
    {
        var metadata = json["metadata"]!.AsObject();
        metadata["uid"] = previous?.Uid ?? (string?)metadata["uid"] ?? Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = previous?.Node["metadata"]?["creationTimestamp"]?.DeepClone()
            ?? metadata["creationTimestamp"]?.DeepClone()
            ?? KubeTime.Format(_time.GetUtcNow());
        if (previous?.Node["metadata"]?["deletionTimestamp"] is { } deleting && metadata["deletionTimestamp"] is null)
        {
            // Once set, a deletion cannot be undone by an update (only the server itself moves it, to shorten the grace).
            metadata["deletionTimestamp"] = deleting.DeepClone();
            metadata["deletionGracePeriodSeconds"] = previous.Node["metadata"]?["deletionGracePeriodSeconds"]?.DeepClone();
        }

        KubeTime.Normalize(json);
        metadata["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
        var stored = new StoredObject(resource, json);
        _objects[(resource, stored.Namespace, stored.Name)] = stored;
        Publish(new StoredEvent(previous is null ? "ADDED" : "MODIFIED", stored, previous, _time.GetUtcNow()));
        return stored;
    }

    private static List<StoredObject> Select(IEnumerable<StoredObject> items, string resource, string? ns, LabelSelector selector, FieldSelector fields) =>
        items
            .Where(o => o.Resource == resource && (ns is null || o.Namespace == ns) && selector.Matches(o.Labels) && fields.Matches(o))
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .ToList();

    private void Publish(StoredEvent change)
    {
        _history.AddLast(change);
        Trim();
        foreach (var watcher in _watchers)
        {
            watcher.Offer(change);
        }

        _advanced.Pulse();
    }

    /// <summary>Drops the changes beyond the window (by count, then by age); the oldest resumable version moves up with them.</summary>
    private void Trim()
    {
        var cutoff = HistoryRetention is { } retention ? _time.GetUtcNow() - retention : DateTimeOffset.MinValue;
        while (_history.First is { } first && (_history.Count > HistoryWindow || first.Value.At < cutoff))
        {
            _oldest = first.Value.Version;
            _history.RemoveFirst();
        }
    }
}

/// <summary>One stored object: its JSON (never changed once stored) and what is read from it often.</summary>
public sealed class StoredObject
{
    private string? _json;

    public StoredObject(string resource, JsonObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Resource = resource;
        Node = node;
        var metadata = node["metadata"]!;
        Namespace = (string?)metadata["namespace"] ?? "";
        Name = (string?)metadata["name"] ?? "";
        Uid = (string?)metadata["uid"] ?? "";
        ResourceVersion = long.Parse((string?)metadata["resourceVersion"] ?? "0", CultureInfo.InvariantCulture);
        Labels = metadata["labels"]?.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value ?? "", StringComparer.Ordinal)
            ?? new Dictionary<string, string>();
    }

    public string Resource { get; }

    public string Namespace { get; }

    public string Name { get; }

    public string Uid { get; }

    public long ResourceVersion { get; }

    public JsonObject Node { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>Where the object sorts in a list (as its storage key does): <c>namespace/name</c>.</summary>
    public string Key => Namespace + "/" + Name;

    /// <summary>Whether a graceful deletion is under way (<c>metadata.deletionTimestamp</c> is set).</summary>
    public bool IsTerminating => Node["metadata"]?["deletionTimestamp"] is not null;

    public string Json => _json ??= FakeKube.Json.Write(Node);
}

/// <summary>One change: its type, the object after it (for DELETED: the last state at the deletion's version) and before it.</summary>
public sealed class StoredEvent(string type, StoredObject @object, StoredObject? previous, DateTimeOffset at)
{
    private string? _line;
    private StoredObject? _previousAtVersion;

    public string Type { get; } = type;

    public StoredObject Object { get; } = @object;

    public StoredObject? Previous { get; } = previous;

    public DateTimeOffset At { get; } = at;

    public long Version => Object.ResourceVersion;

    public string ToLine() => _line ??= $$"""{"type":"{{Type}}","object":{{Object.Json}}}""";

    /// <summary>The object before the change, stamped with the change's version: what a watch whose selector no longer matches is sent as DELETED.</summary>
    internal StoredObject PreviousAtVersion()
    {
        if (_previousAtVersion is null)
        {
            var json = Previous!.Node.DeepClone().AsObject();
            json["metadata"]!["resourceVersion"] = Version.ToString(CultureInfo.InvariantCulture);
            _previousAtVersion = new StoredObject(Object.Resource, json);
        }

        return _previousAtVersion;
    }
}

/// <summary>What an open watch follows, and how far it has been given events (<see cref="Wanted"/>) and sent them (<see cref="Sent"/>).</summary>
/// <param name="Wanted">The resource version of the last event or bookmark queued for it: a client that has caught up has reached it.</param>
/// <param name="Sent">The resource version of the last line written to the client.</param>
public sealed record WatchState(string Resource, string? Namespace, string LabelSelector, bool Stalled, long Wanted, long Sent);
