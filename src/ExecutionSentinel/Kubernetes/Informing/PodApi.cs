using k8s;
using k8s.Models;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>Lists and watches pods through the generated client.</summary>
internal sealed class PodApi(IKubernetes client) : IResourceApi<V1Pod>
{
    public string Resource => "pods";

    public async Task<ResourcePage<V1Pod>> ListPageAsync(string @namespace, string labelSelector, int limit, string? continueToken, CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListNamespacedPodAsync(
            @namespace, continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new ResourcePage<V1Pod>(list.Items ?? [], list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
    }

    public IAsyncEnumerable<(WatchEventType Type, V1Pod Item)> WatchAsync(
        string @namespace, string labelSelector, string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken) =>
        client.CoreV1.WatchListNamespacedPodAsync(
            @namespace,
            allowWatchBookmarks: true,
            labelSelector: labelSelector,
            resourceVersion: resourceVersion,
            timeoutSeconds: timeoutSeconds,
            onError: onError,
            cancellationToken: cancellationToken);
}
