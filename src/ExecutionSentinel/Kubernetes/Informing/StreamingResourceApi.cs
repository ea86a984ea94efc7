using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ExecutionSentinel.Kubernetes.Mapping.Wire;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>
/// Lists and watches one kind with raw requests through the client's own HTTP pipeline, and reads the answers straight
/// off the stream into the wire classes (only the fields the projections read), projecting each object as it is read:
/// no full <c>V1Pod</c> or <c>V1Job</c> is ever built, and a list page or a watch line is dropped once projected.
/// </summary>
/// <typeparam name="TWire">The kind's wire class.</typeparam>
/// <typeparam name="TFacts">What the probe keeps of one object.</typeparam>
internal sealed class StreamingResourceApi<TWire, TFacts>(
    string resource,
    RawKubernetesHttp http,
    string groupVersionPath,
    JsonTypeInfo<WireList<TWire>> listType,
    JsonTypeInfo<WireWatchEvent<TWire>> eventType,
    Func<TWire, string?> kind,
    Func<TWire, string?> resourceVersion,
    Func<TWire, TFacts> project) : IResourceApi<TFacts>
    where TWire : class
    where TFacts : class
{
    public string Resource => resource;

    public async Task<ResourcePage<TFacts>> ListPageAsync(string @namespace, string labelSelector, int limit, string? continueToken, CancellationToken cancellationToken)
    {
        var query = Query(("labelSelector", labelSelector), ("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("continue", continueToken));
        using var response = await http.GetAsync(Path(@namespace) + query, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            // The serializer reads the body buffer by buffer; only the page's wire objects (a few hundred bytes each) are built.
            var page = await JsonSerializer.DeserializeAsync(body, listType, cancellationToken).ConfigureAwait(false);
            ListAnswers.EnsureList(resource, page?.Kind, page?.Items, page?.Metadata);
            var items = page!.Items ?? [];
            var facts = new TFacts[items.Count];
            for (var i = 0; i < facts.Length; i++)
            {
                facts[i] = project(items[i]);
            }

            return new ResourcePage<TFacts>(facts, page.Metadata?.ResourceVersion, page.Metadata?.Continue);
        }
    }

    public async IAsyncEnumerable<WatchItem<TFacts>> WatchAsync(
        string @namespace, string labelSelector, string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = Query(
            ("watch", "true"),
            ("allowWatchBookmarks", "true"),
            ("labelSelector", labelSelector),
            ("resourceVersion", resourceVersion),
            ("timeoutSeconds", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var response = await http.GetAsync(Path(@namespace) + query, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = body.ConfigureAwait(false);
        using var lines = new JsonLineReader(body);

        while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            WatchItem<TFacts>? item = null;
            var ended = false;
            try
            {
                item = Read(line.Span, e =>
                {
                    // An ERROR event (a Status: 410 Gone, a server error) ends the watch, as KubernetesClient's own watch
                    // ends there: the server may keep the stream open, and waiting on it would follow nothing.
                    ended = true;
                    onError(e);
                });
            }
#pragma warning disable CA1031 // As KubernetesClient's watch does: a line that cannot be read goes to onError, the watch goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                onError(ex);
            }

            if (ended)
            {
                yield break;
            }

            if (item is { } read)
            {
                yield return read;
            }
        }
    }

    private WatchItem<TFacts>? Read(ReadOnlySpan<byte> line, Action<Exception> onError)
    {
        WireWatchEvent<TWire>? @event;
        try
        {
            @event = JsonSerializer.Deserialize(line, eventType);
        }
        catch (JsonException) when (Status(line) is { } error)
        {
            // An ERROR event's Status does not fit the kind's shape (its "status" is a string).
            onError(error);
            return null;
        }

        if (@event is not { Type: not null, Object: { } wire })
        {
            // JSON, but no event (a list from a server that ignored watch=true, a bare Status, null): unreadable, as the
            // client's watch finds it. Skipped in silence, a watch of nothing but such lines would end looking healthy.
            throw new JsonException($"The watch of {resource} sent a line that is not a watch event.");
        }

        WatchEventType? known = @event.Type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => WatchEventType.Error,
            _ => null,
        };
        if (known is not { } type)
        {
            // Unreadable, as the client's watch finds it (its enum does not parse): reported, and the watch goes on. Ending
            // it here would not skip the event: the watch resumes from before it, is sent it again, and stops there for ever.
            throw new JsonException($"The watch of {resource} sent an event of unknown type '{@event.Type}'.");
        }

        if (type == WatchEventType.Error || kind(wire) == "Status")
        {
            onError(Status(line) ?? new KubernetesException($"The watch of {resource} sent an ERROR event without a Status."));
            return null;
        }

        return new WatchItem<TFacts>(type, type == WatchEventType.Bookmark ? null : project(wire), resourceVersion(wire));
    }

    /// <summary>A Status (410 Gone, a server error) as the client's watch hands it to onError; null when the line holds none.</summary>
    private static KubernetesException? Status(ReadOnlySpan<byte> line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, WireJson.Default.WireWatchEventWireStatus)?.Object is { Kind: "Status" } status
                ? new KubernetesException(new V1Status { Kind = status.Kind, Code = status.Code, Message = status.Message, Reason = status.Reason, Status = status.Status })
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string Path(string @namespace) => $"{groupVersionPath}/namespaces/{Uri.EscapeDataString(@namespace)}/{resource}";

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var query = new System.Text.StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        return query.ToString();
    }
}
