using k8s;
using k8s.Models;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>The two calls an informer makes for one kind of object: a page of a list, and a watch.</summary>
/// <typeparam name="T">The kind of object.</typeparam>
internal interface IResourceApi<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The resource's plural name, for messages (<c>pods</c>, <c>jobs</c>).</summary>
    string Resource { get; }

    Task<ResourcePage<T>> ListPageAsync(string @namespace, string labelSelector, int limit, string? continueToken, CancellationToken cancellationToken);

    IAsyncEnumerable<(WatchEventType Type, T Item)> WatchAsync(
        string @namespace, string labelSelector, string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken);
}

/// <summary>One page of a list.</summary>
internal sealed record ResourcePage<T>(IList<T> Items, string? ResourceVersion, string? Continue);
