using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// The API server's storage: objects as real Kubernetes JSON, one resource version counter for all of them (as etcd's
/// revision), a bounded history of changes for watches to resume from, and the open watches.
/// </summary>
public sealed class ObjectStore
{
    private readonly object _lock = new();
    private readonly Dictionary<(string Resource, string Namespace, string Name), StoredObject> _objects = [];
    private readonly LinkedList<StoredEvent> _history = new();
    private readonly List<Watcher> _watchers = [];
    private long _version = 1000;
    private long _compactedThrough = 1000;

    /// <summary>How many changes are kept for watches to resume from; older versions get 410 Gone.</summary>
    public int HistoryWindow { get; set; } = 10_000;

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

    /// <summary>Creates or replaces an object, giving it the next resource version (and a uid when new).</summary>
    public StoredObject Upsert(string resource, JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        lock (_lock)
        {
            var metadata = json["metadata"]!.AsObject();
            var ns = (string)metadata["namespace"]!;
            var name = (string)metadata["name"]!;
            var key = (resource, ns, name);
            var exists = _objects.TryGetValue(key, out var previous);
            metadata["uid"] = previous?.Uid ?? (string?)metadata["uid"] ?? Guid.NewGuid().ToString();
            if (previous is not null && metadata["creationTimestamp"] is null)
            {
                metadata["creationTimestamp"] = previous.Node["metadata"]!["creationTimestamp"]!.DeepClone();
            }

            metadata["resourceVersion"] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var stored = new StoredObject(resource, ns, name, (string)metadata["uid"]!, _version, json);
            _objects[key] = stored;
            Publish(new StoredEvent(exists ? "MODIFIED" : "ADDED", stored));
            return stored;
        }
    }

    /// <summary>Deletes an object; the DELETED event carries its last state at a new resource version.</summary>
    public StoredObject? Delete(string resource, string ns, string name)
    {
        lock (_lock)
        {
            if (!_objects.Remove((resource, ns, name), out var existing))
            {
                return null;
            }

            var json = existing.Node.DeepClone().AsObject();
            json["metadata"]!["resourceVersion"] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var gone = existing with { ResourceVersion = _version, Node = json };
            Publish(new StoredEvent("DELETED", gone));
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

    /// <summary>The objects of a kind in a namespace (all namespaces when <paramref name="ns"/> is null), ordered by name.</summary>
    public (IReadOnlyList<StoredObject> Items, long Version) List(string resource, string? ns, LabelSelector selector)
    {
        lock (_lock)
        {
            var items = _objects.Values
                .Where(o => o.Resource == resource && (ns is null || o.Namespace == ns) && selector.Matches(o.Labels))
                .OrderBy(o => o.Namespace, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal)
                .ToList();
            return (items, _version);
        }
    }

    /// <summary>Opens a watch. From version 0 (or none) it starts with an ADDED event per existing object.</summary>
    /// <returns>The watcher, or <see langword="null"/> when <paramref name="fromVersion"/> is older than the history kept (410).</returns>
    public Watcher? Watch(string resource, string? ns, LabelSelector selector, long? fromVersion, bool bookmarks)
    {
        lock (_lock)
        {
            var watcher = new Watcher(this, resource, ns, selector, bookmarks);
            if (fromVersion is null or 0)
            {
                foreach (var item in _objects.Values.Where(watcher.Wants).OrderBy(o => o.ResourceVersion))
                {
                    watcher.Enqueue(new StoredEvent("ADDED", item));
                }
            }
            else
            {
                if (fromVersion < _compactedThrough)
                {
                    return null;
                }

                foreach (var change in _history.Where(e => e.Object.ResourceVersion > fromVersion && watcher.Wants(e.Object)))
                {
                    watcher.Enqueue(change);
                }
            }

            _watchers.Add(watcher);
            return watcher;
        }
    }

    /// <summary>Forgets all history: every version seen so far is now too old to watch from (the next such watch gets 410).</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _history.Clear();
            _compactedThrough = _version + 1;
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

    private void Publish(StoredEvent change)
    {
        _history.AddLast(change);
        while (_history.Count > HistoryWindow)
        {
            _compactedThrough = _history.First!.Value.Object.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var watcher in _watchers)
        {
            if (watcher.Wants(change.Object))
            {
                watcher.Enqueue(change);
            }
        }
    }
}

/// <summary>One stored object.</summary>
public sealed record StoredObject(string Resource, string Namespace, string Name, string Uid, long ResourceVersion, JsonObject Node)
{
    public IReadOnlyDictionary<string, string> Labels { get; } =
        Node["metadata"]?["labels"]?.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value ?? "", StringComparer.Ordinal)
        ?? new Dictionary<string, string>();

    public string Json => Node.ToJsonString();
}

/// <summary>One change.</summary>
public sealed record StoredEvent(string Type, StoredObject Object)
{
    public string ToLine() => $$"""{"type":"{{Type}}","object":{{Object.Json}}}""";
}

/// <summary>One open watch: the lines to send, in order.</summary>
public sealed class Watcher
{
    private readonly ObjectStore _store;
    private readonly string _resource;
    private readonly string? _namespace;
    private readonly LabelSelector _selector;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    internal Watcher(ObjectStore store, string resource, string? ns, LabelSelector selector, bool bookmarks)
    {
        _store = store;
        _resource = resource;
        _namespace = ns;
        _selector = selector;
        Bookmarks = bookmarks;
    }

    public bool Bookmarks { get; }

    /// <summary>A stalled watch stays open and sends nothing.</summary>
    public bool Stalled { get; set; }

    public ChannelReader<string> Lines => _lines.Reader;

    public void Close()
    {
        _lines.Writer.TryComplete();
        _store.Remove(this);
    }

    internal bool Wants(StoredObject item) =>
        item.Resource == _resource && (_namespace is null || item.Namespace == _namespace) && _selector.Matches(item.Labels);

    internal void Enqueue(StoredEvent change)
    {
        if (!Stalled)
        {
            _lines.Writer.TryWrite(change.ToLine());
        }
    }

    internal void EnqueueBookmark(long version)
    {
        if (!Stalled)
        {
            var (apiVersion, kind) = _resource == "jobs" ? ("batch/v1", "Job") : ("v1", "Pod");
            _lines.Writer.TryWrite($$$$"""{"type":"BOOKMARK","object":{"kind":"{{{{kind}}}}","apiVersion":"{{{{apiVersion}}}}","metadata":{"resourceVersion":"{{{{version}}}}"}}}""");
        }
    }
}
