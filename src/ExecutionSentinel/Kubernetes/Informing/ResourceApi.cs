using System.Runtime.CompilerServices;
using ExecutionSentinel.Kubernetes.Mapping;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>
/// The generated client's list and watch calls for one kind, projecting each object: the path for an
/// <see cref="IKubernetes"/> that is not KubernetesClient's own <see cref="k8s.Kubernetes"/> (an application's wrapper),
/// where no raw request can be made. It builds each full client model first; <see cref="StreamingResourceApi{TWire, TFacts}"/>
/// does not.
/// </summary>
internal sealed class ResourceApi<T, TFacts>(
    string resource,
    Func<string, string, int, string?, CancellationToken, Task<(IList<T>? Items, V1ListMeta? Metadata, string? Kind)>> list,
    Func<string, string, string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
    Func<T, TFacts> project) : IResourceApi<TFacts>
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TFacts : class
{
    public string Resource => resource;

    public async Task<ResourcePage<TFacts>> ListPageAsync(string @namespace, string labelSelector, int limit, string? continueToken, CancellationToken cancellationToken)
    {
        var (items, metadata, kind) = await list(@namespace, labelSelector, limit, continueToken, cancellationToken).ConfigureAwait(false);
        ListAnswers.EnsureList(resource, kind, items, metadata);
        return new ResourcePage<TFacts>((items ?? []).Select(project).ToList(), metadata?.ResourceVersion, metadata?.ContinueProperty);
    }

    public async IAsyncEnumerable<WatchItem<TFacts>> WatchAsync(
        string @namespace, string labelSelector, string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (type, item) in watch(@namespace, labelSelector, resourceVersion, timeoutSeconds, onError, cancellationToken).ConfigureAwait(false))
        {
            // The client hands ERROR statuses to onError; an object typed as the resource says nothing then.
            if (type == WatchEventType.Error || item is null)
            {
                continue;
            }

            yield return new WatchItem<TFacts>(type, type == WatchEventType.Bookmark ? null : project(item), item.Metadata?.ResourceVersion);
        }
    }
}

/// <summary>
/// The two kinds the probe follows: read off the wire when the client is KubernetesClient's own (or a subclass that leaves
/// its requests alone: <see cref="RawKubernetesHttp.StandsInFor"/>).
/// </summary>
internal static class ResourceApis
{
    public static IResourceApi<PodFacts> Pods(IKubernetes client, string? taskTypeLabel) => client is k8s.Kubernetes own && RawKubernetesHttp.StandsInFor(own)
        ? new StreamingResourceApi<Mapping.Wire.WirePod, PodFacts>(
            "pods", new RawKubernetesHttp(own), "api/v1", Mapping.Wire.WireJson.Default.WireListWirePod, Mapping.Wire.WireJson.Default.WireWatchEventWirePod,
            p => p.Kind, p => p.Metadata?.ResourceVersion, p => PodProjection.Project(p, taskTypeLabel))
        : new ResourceApi<V1Pod, PodFacts>(
            "pods",
            async (ns, selector, limit, token, ct) =>
            {
                var page = await client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: token, labelSelector: selector, limit: limit, cancellationToken: ct).ConfigureAwait(false);
                return (page?.Items, page?.Metadata, page?.Kind);
            },
            (ns, selector, version, timeout, onError, ct) => client.CoreV1.WatchListNamespacedPodAsync(
                ns, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            p => PodProjection.Project(p, taskTypeLabel));

    public static IResourceApi<JobFacts> Jobs(IKubernetes client, string? taskTypeLabel) => client is k8s.Kubernetes own && RawKubernetesHttp.StandsInFor(own)
        ? new StreamingResourceApi<Mapping.Wire.WireJob, JobFacts>(
            "jobs", new RawKubernetesHttp(own), "apis/batch/v1", Mapping.Wire.WireJson.Default.WireListWireJob, Mapping.Wire.WireJson.Default.WireWatchEventWireJob,
            j => j.Kind, j => j.Metadata?.ResourceVersion, j => JobProjection.Project(j, taskTypeLabel))
        : new ResourceApi<V1Job, JobFacts>(
            "jobs",
            async (ns, selector, limit, token, ct) =>
            {
                var page = await client.BatchV1.ListNamespacedJobAsync(ns, continueParameter: token, labelSelector: selector, limit: limit, cancellationToken: ct).ConfigureAwait(false);
                return (page?.Items, page?.Metadata, page?.Kind);
            },
            (ns, selector, version, timeout, onError, ct) => client.BatchV1.WatchListNamespacedJobAsync(
                ns, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            j => JobProjection.Project(j, taskTypeLabel));
}
