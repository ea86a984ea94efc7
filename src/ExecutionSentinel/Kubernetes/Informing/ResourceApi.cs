using k8s;
using k8s.Models;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>The generated client's list and watch calls for one kind, behind <see cref="IResourceApi{T}"/>.</summary>
internal sealed class ResourceApi<T>(
    string resource,
    Func<string, string, int, string?, CancellationToken, Task<(IList<T>? Items, V1ListMeta? Metadata)>> list,
    Func<string, string, string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch) : IResourceApi<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public string Resource => resource;

    public async Task<ResourcePage<T>> ListPageAsync(string @namespace, string labelSelector, int limit, string? continueToken, CancellationToken cancellationToken)
    {
        var (items, metadata) = await list(@namespace, labelSelector, limit, continueToken, cancellationToken).ConfigureAwait(false);
        return new ResourcePage<T>(items ?? [], metadata?.ResourceVersion, metadata?.ContinueProperty);
    }

    public IAsyncEnumerable<(WatchEventType Type, T Item)> WatchAsync(
        string @namespace, string labelSelector, string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken) =>
        watch(@namespace, labelSelector, resourceVersion, timeoutSeconds, onError, cancellationToken);
}

/// <summary>The two kinds the probe follows.</summary>
internal static class ResourceApis
{
    public static ResourceApi<V1Pod> Pods(IKubernetes client) => new(
        "pods",
        async (ns, selector, limit, token, ct) =>
        {
            var page = await client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: token, labelSelector: selector, limit: limit, cancellationToken: ct).ConfigureAwait(false);
            return (page.Items, page.Metadata);
        },
        (ns, selector, version, timeout, onError, ct) => client.CoreV1.WatchListNamespacedPodAsync(
            ns, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct));

    public static ResourceApi<V1Job> Jobs(IKubernetes client) => new(
        "jobs",
        async (ns, selector, limit, token, ct) =>
        {
            var page = await client.BatchV1.ListNamespacedJobAsync(ns, continueParameter: token, labelSelector: selector, limit: limit, cancellationToken: ct).ConfigureAwait(false);
            return (page.Items, page.Metadata);
        },
        (ns, selector, version, timeout, onError, ct) => client.BatchV1.WatchListNamespacedJobAsync(
            ns, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct));
}
