using k8s;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>
/// The two calls an informer makes for one kind of object, each object projected as it is read: a page of a list, and
/// a watch.
/// </summary>
/// <typeparam name="TFacts">What the probe keeps of one object.</typeparam>
internal interface IResourceApi<TFacts>
    where TFacts : class
{
    /// <summary>The resource's plural name, for messages (<c>pods</c>, <c>jobs</c>).</summary>
    string Resource { get; }

    Task<ResourcePage<TFacts>> ListPageAsync(string @namespace, string labelSelector, int limit, string? continueToken, CancellationToken cancellationToken);

    /// <summary>
    /// Follows changes from <paramref name="resourceVersion"/>. An ERROR event (a Status, e.g. 410 Gone) and a line that
    /// cannot be read go to <paramref name="onError"/>, as KubernetesClient's watch does; bookmarks come with no item.
    /// </summary>
    IAsyncEnumerable<WatchItem<TFacts>> WatchAsync(
        string @namespace, string labelSelector, string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken);
}

/// <summary>One page of a list, projected.</summary>
internal sealed record ResourcePage<TFacts>(IReadOnlyList<TFacts> Items, string? ResourceVersion, string? Continue);

/// <summary>One watch event: its type, the object projected (none for a bookmark), and the resource version it carries.</summary>
internal readonly record struct WatchItem<TFacts>(WatchEventType Type, TFacts? Item, string? ResourceVersion)
    where TFacts : class;

/// <summary>What makes a 200 answer to a list no list.</summary>
internal static class ListAnswers
{
    /// <summary>
    /// Throws (as for a garbled body, so the list is retried) when a 200 answer is not a list: a Status (some proxies
    /// answer errors with 200), or neither items nor metadata (<c>{}</c>, <c>null</c>). Taken for an empty list, it would
    /// tell the cache that every object is gone.
    /// </summary>
    public static void EnsureList(string resource, string? kind, object? items, object? metadata)
    {
        if (kind == "Status" || (items is null && metadata is null))
        {
            throw new System.Text.Json.JsonException($"The list of {resource} was answered with something that is not a list{(kind is null ? "" : $" (a {kind})")}.");
        }
    }
}
