using System.Globalization;
using System.Threading.Channels;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// One open watch: the lines to send, in order. Like the watch cache, it judges each change by the object before and
/// after it: a change that makes an object match its selectors is sent as ADDED, one that makes it stop matching as
/// DELETED (carrying the object as it was, at the change's version).
/// </summary>
public sealed class Watcher
{
    private readonly ObjectStore _store;
    private readonly string _resource;
    private readonly string? _namespace;
    private readonly LabelSelector _selector;
    private readonly FieldSelector _fields;
    private readonly Channel<WatchLine> _lines = Channel.CreateUnbounded<WatchLine>(new UnboundedChannelOptions { SingleReader = true });
    private long _wanted;
    private long _sent;

    internal Watcher(ObjectStore store, string resource, string? ns, LabelSelector selector, FieldSelector fields, bool bookmarks, long startVersion)
    {
        _store = store;
        _resource = resource;
        _namespace = ns;
        _selector = selector;
        _fields = fields;
        Bookmarks = bookmarks;
        _wanted = startVersion;
        _sent = startVersion;
    }

    public bool Bookmarks { get; }

    /// <summary>A stalled watch stays open and sends nothing.</summary>
    public bool Stalled { get; set; }

    public ChannelReader<WatchLine> Lines => _lines.Reader;

    public WatchState State => new(_resource, _namespace, _selector.ToString(), Stalled, Interlocked.Read(ref _wanted), Interlocked.Read(ref _sent));

    public void Close()
    {
        _lines.Writer.TryComplete();
        _store.Remove(this);
    }

    /// <summary>Records that a line has been written to the client.</summary>
    public void Sent(WatchLine line) => Interlocked.Exchange(ref _sent, Math.Max(Interlocked.Read(ref _sent), line.Version));

    internal bool Wants(StoredObject item) =>
        item.Resource == _resource && (_namespace is null || item.Namespace == _namespace) && _selector.Matches(item.Labels) && _fields.Matches(item);

    /// <summary>Sends what a change means to this watch, if anything.</summary>
    internal void Offer(StoredEvent change)
    {
        if (change.Object.Resource != _resource || (_namespace is not null && change.Object.Namespace != _namespace))
        {
            return;
        }

        switch (change.Type)
        {
            case "MODIFIED":
                var now = Wants(change.Object);
                var before = change.Previous is not null && Wants(change.Previous);
                if (now && before)
                {
                    Enqueue(change.ToLine(), change.Version);
                }
                else if (now)
                {
                    EnqueueObject("ADDED", change.Object);
                }
                else if (before)
                {
                    EnqueueObject("DELETED", change.PreviousAtVersion());
                }

                break;
            default:
                if (Wants(change.Object))
                {
                    Enqueue(change.ToLine(), change.Version);
                }

                break;
        }
    }

    internal void EnqueueObject(string type, StoredObject item) => Enqueue($$"""{"type":"{{type}}","object":{{item.Json}}}""", item.ResourceVersion);

    internal void EnqueueBookmark(long version)
    {
        var api = ApiResource.Find(_resource);
        var (apiVersion, kind) = api is null ? ("v1", "Status") : (api.GroupVersion, api.Kind);
        Enqueue(
            $$$$"""{"type":"BOOKMARK","object":{"kind":"{{{{kind}}}}","apiVersion":"{{{{apiVersion}}}}","metadata":{"resourceVersion":"{{{{version.ToString(CultureInfo.InvariantCulture)}}}}","creationTimestamp":null}}}""",
            version);
    }

    private void Enqueue(string line, long version)
    {
        if (!Stalled)
        {
            // Wanted moves first: whoever sees the line queued must also see that it is wanted.
            Interlocked.Exchange(ref _wanted, version);
            _lines.Writer.TryWrite(new WatchLine(line, version));
        }
    }
}

/// <summary>One line of a watch stream and the resource version it brings the client to.</summary>
public readonly record struct WatchLine(string Text, long Version);
