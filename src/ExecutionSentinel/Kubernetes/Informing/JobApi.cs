using k8s;
using k8s.Models;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>Lists and watches Jobs through the generated client.</summary>
internal sealed class JobApi(IKubernetes client) : IResourceApi<V1Job>
{
    public string Resource => "jobs";

    public async Task<ResourcePage<V1Job>> ListPageAsync(string @namespace, string labelSelector, int limit, string? continueToken, CancellationToken cancellationToken)
    {
        var list = await client.BatchV1.ListNamespacedJobAsync(
            @namespace, continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new ResourcePage<V1Job>(list.Items ?? [], list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
    }

    public IAsyncEnumerable<(WatchEventType Type, V1Job Item)> WatchAsync(
        string @namespace, string labelSelector, string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken) =>
        client.BatchV1.WatchListNamespacedJobAsync(
            @namespace,
            allowWatchBookmarks: true,
            labelSelector: labelSelector,
            resourceVersion: resourceVersion,
            timeoutSeconds: timeoutSeconds,
            onError: onError,
            cancellationToken: cancellationToken);
}
