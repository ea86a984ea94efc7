using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ExecutionSentinel.FakeKube;

/// <summary>Create, update, patch and delete, with graceful pod deletion and the garbage collector's propagation.</summary>
public sealed partial class FakeKubeApiServer
{
    private const string ForegroundFinalizer = "foregroundDeletion";
    private readonly ConcurrentDictionary<(string Namespace, string Name), (string Uid, ITimer Timer)> _terminations = new();

    /// <summary>
    /// The kubelet confirms that a terminating pod has stopped: the pod goes now (DELETED) instead of when its grace period
    /// ends. False when the pod is not terminating.
    /// </summary>
    public bool ConfirmPodTermination(string ns, string name)
    {
        if (!_terminations.TryRemove((ns, name), out var termination))
        {
            return false;
        }

        termination.Timer.Dispose();
        var pod = Store.Get("pods", ns, name);
        if (pod is null || pod.Uid != termination.Uid)
        {
            return false;
        }

        Store.Delete("pods", ns, name);
        FinishForegroundDeletions(ns);
        return true;
    }

    /// <summary>Confirms every pod termination under way; returns how many pods went.</summary>
    public int ConfirmAllPodTerminations() => _terminations.Keys.ToList().Count(k => ConfirmPodTermination(k.Namespace, k.Name));

    /// <summary>
    /// Deletes a pod as the API server does: one that is not running on a node, or has finished, or is given no grace,
    /// goes at once; any other gets <c>deletionTimestamp</c> (now + grace) and <c>deletionGracePeriodSeconds</c>
    /// (a MODIFIED event) and goes (DELETED) when the kubelet confirms (<see cref="ConfirmPodTermination"/>) or the grace
    /// period ends on the server's clock.
    /// </summary>
    /// <param name="gracePeriodSeconds">The request's grace period; null takes the pod's <c>terminationGracePeriodSeconds</c> (default 30).</param>
    /// <returns>The pod after the request (its last state when it is gone), or null when it does not exist.</returns>
    public StoredObject? DeletePod(string ns, string name, long? gracePeriodSeconds = null)
    {
        var pod = Store.Get("pods", ns, name);
        if (pod is null)
        {
            return null;
        }

        var phase = (string?)pod.Node["status"]?["phase"];
        var onNode = !string.IsNullOrEmpty((string?)pod.Node["spec"]?["nodeName"]);
        var grace = gracePeriodSeconds ?? pod.Node["spec"]?["terminationGracePeriodSeconds"]?.GetValue<long>() ?? 30;
        if (grace <= 0 || !onNode || phase is "Succeeded" or "Failed")
        {
            _terminations.TryRemove((ns, name), out var pending);
            pending.Timer?.Dispose();
            var gone = Store.Delete("pods", ns, name);
            FinishForegroundDeletions(ns);
            return gone;
        }

        var now = Time.GetUtcNow();
        var deadline = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + grace);
        if (pod.IsTerminating)
        {
            // A second delete may shorten the grace period, never lengthen it.
            var current = DateTimeOffset.Parse((string)pod.Node["metadata"]!["deletionTimestamp"]!, CultureInfo.InvariantCulture);
            if (deadline >= current)
            {
                return pod;
            }
        }

        var updated = Store.Update("pods", ns, name, json =>
        {
            json["metadata"]!["deletionTimestamp"] = KubeTime.Format(deadline);
            json["metadata"]!["deletionGracePeriodSeconds"] = grace;
        });
        if (updated is null)
        {
            return null;
        }

        var timer = Time.CreateTimer(_ => ConfirmPodTermination(ns, name), null, Max(deadline - now, TimeSpan.Zero), Timeout.InfiniteTimeSpan);
        if (_terminations.TryRemove((ns, name), out var earlier))
        {
            earlier.Timer.Dispose();
        }

        _terminations[(ns, name)] = (updated.Uid, timer);
        return updated;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task DeleteAsync(HttpContext context, ResourcePath target)
    {
        JsonNode? options;
        try
        {
            options = await ReadBodyAsync(context).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException ex)
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest("the body of the request was in an unknown format: " + ex.Message)).ConfigureAwait(false);
            return;
        }

        var (ns, name) = (target.StoreNamespace, target.Name!);
        var existing = Store.Get(target.Resource, ns, name);
        if (existing is null)
        {
            await WriteJsonAsync(context, 404, KubeStatus.NotFound(target.Api, name)).ConfigureAwait(false);
            return;
        }

        var preconditions = options?["preconditions"];
        if ((string?)preconditions?["uid"] is { } uid && uid != existing.Uid)
        {
            await WriteJsonAsync(context, 409, KubeStatus.Conflict(target.Api, name,
                $"Precondition failed: UID in precondition: {uid}, UID in object meta: {existing.Uid}")).ConfigureAwait(false);
            return;
        }

        if ((string?)preconditions?["resourceVersion"] is { } version && version != Invariant(existing.ResourceVersion))
        {
            await WriteJsonAsync(context, 409, KubeStatus.Conflict(target.Api, name,
                $"Precondition failed: ResourceVersion in precondition: {version}, ResourceVersion in object meta: {existing.ResourceVersion}")).ConfigureAwait(false);
            return;
        }

        long? grace = options?["gracePeriodSeconds"]?.GetValue<long>()
            ?? (long.TryParse(Query(context, "gracePeriodSeconds"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var g) ? g : null);
        var propagation = (string?)options?["propagationPolicy"] ?? Query(context, "propagationPolicy");
        if (options?["orphanDependents"]?.GetValue<bool>() == false && propagation is null)
        {
            propagation = "Background";
        }

        StoredObject? result = target.Resource switch
        {
            "pods" => DeletePod(ns, name, grace),
            "jobs" => DeleteJob(existing, propagation, grace),
            _ => Store.Delete(target.Resource, ns, name),
        };
        if (result is null)
        {
            await WriteJsonAsync(context, 404, KubeStatus.NotFound(target.Api, name)).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 200, result.Json).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes a Job with the garbage collector's propagation. batch/v1 orphans its pods unless told otherwise (the
    /// API's legacy default); Background deletes the Job now and its pods gracefully; Foreground marks the Job
    /// (<c>deletionTimestamp</c>, finalizer <c>foregroundDeletion</c>), deletes its pods gracefully, and deletes the Job
    /// once they are gone.
    /// </summary>
    private StoredObject? DeleteJob(StoredObject job, string? propagation, long? grace)
    {
        var pods = Store.List("pods", job.Namespace, LabelSelector.Everything).Items.Where(p => OwnedBy(p, job.Uid)).ToList();
        if (propagation == "Foreground" && pods.Count > 0)
        {
            var marked = Store.Update("jobs", job.Namespace, job.Name, json =>
            {
                var metadata = json["metadata"]!.AsObject();
                metadata["deletionTimestamp"] ??= KubeTime.Format(Time.GetUtcNow());
                metadata["deletionGracePeriodSeconds"] ??= 0;
                var finalizers = metadata["finalizers"] as JsonArray ?? [];
                if (!finalizers.Any(f => (string?)f == ForegroundFinalizer))
                {
                    finalizers.Add(ForegroundFinalizer);
                }

                metadata["finalizers"] = finalizers.DeepClone();
            });
            foreach (var pod in pods)
            {
                DeletePod(pod.Namespace, pod.Name, grace);
            }

            return Store.Get("jobs", job.Namespace, job.Name) ?? marked;
        }

        var gone = Store.Delete("jobs", job.Namespace, job.Name);
        if (propagation is "Background" or "Foreground")
        {
            foreach (var pod in pods)
            {
                DeletePod(pod.Namespace, pod.Name, grace);
            }
        }

        return gone;
    }

    /// <summary>The garbage collector's last step of a foreground deletion: a marked Job whose pods are all gone goes.</summary>
    private void FinishForegroundDeletions(string ns)
    {
        var waiting = Store.List("jobs", ns, LabelSelector.Everything).Items
            .Where(j => j.Node["metadata"]?["finalizers"] is JsonArray f && f.Any(x => (string?)x == ForegroundFinalizer));
        foreach (var job in waiting)
        {
            if (!Store.List("pods", ns, LabelSelector.Everything).Items.Any(p => OwnedBy(p, job.Uid)))
            {
                Store.Delete("jobs", ns, job.Name);
            }
        }
    }

    private static bool OwnedBy(StoredObject pod, string uid) =>
        pod.Node["metadata"]?["ownerReferences"] is JsonArray owners && owners.Any(o => (string?)o?["uid"] == uid);

    private async Task CreateAsync(HttpContext context, ResourcePath target)
    {
        if (await ReadObjectAsync(context, target).ConfigureAwait(false) is not { } json)
        {
            return;
        }

        var metadata = json["metadata"]!.AsObject();
        if ((string?)metadata["name"] is not { Length: > 0 })
        {
            if ((string?)metadata["generateName"] is not { Length: > 0 } prefix)
            {
                await WriteJsonAsync(context, 422, KubeStatus.Failure(422, "Invalid", $"{target.Api.Kind} \"\" is invalid: metadata.name: Required value: name or generateName is required")).ConfigureAwait(false);
                return;
            }

            metadata["name"] = prefix + HyperFlowObjects.Suffix(Random.Shared.Next(), 5);
        }

        // What only the server sets.
        metadata.Remove("uid");
        metadata.Remove("resourceVersion");
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        metadata["creationTimestamp"] = KubeTime.Format(Time.GetUtcNow());
        if (target.Api == ApiResource.Leases)
        {
            json["spec"] ??= new JsonObject(); // A Lease always has a spec (a struct in the API), if only {}.
        }

        if (target.Api == ApiResource.Pods)
        {
            var spec = json["spec"] as JsonObject ?? [];
            spec["terminationGracePeriodSeconds"] ??= 30;
            json["spec"] = spec;
            var status = json["status"] as JsonObject ?? [];
            status["phase"] ??= "Pending";
            json["status"] = status;
        }

        if (!await AdmitAsync(context, target, json, previous: null).ConfigureAwait(false))
        {
            return;
        }

        if (Store.TryCreate(target.Resource, json) is not { } created)
        {
            await WriteJsonAsync(context, 409, KubeStatus.AlreadyExists(target.Api, (string)metadata["name"]!)).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 201, created.Json).ConfigureAwait(false);
    }

    private async Task UpdateAsync(HttpContext context, ResourcePath target)
    {
        if (await ReadObjectAsync(context, target).ConfigureAwait(false) is not { } json)
        {
            return;
        }

        await ReplaceAsync(context, target, json).ConfigureAwait(false);
    }

    /// <summary>A JSON merge patch (RFC 7386); a strategic merge patch is taken as one (it is one for maps, which is what tests patch).</summary>
    private async Task PatchAsync(HttpContext context, ResourcePath target)
    {
        var type = context.Request.ContentType ?? "";
        if (!type.StartsWith("application/merge-patch+json", StringComparison.Ordinal) && !type.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 415, KubeStatus.Failure(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json")).ConfigureAwait(false);
            return;
        }

        JsonNode? patch;
        try
        {
            patch = await ReadBodyAsync(context).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException ex)
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest("error decoding patch: " + ex.Message)).ConfigureAwait(false);
            return;
        }

        if (Store.Get(target.Resource, target.StoreNamespace, target.Name!) is not { } existing)
        {
            await WriteJsonAsync(context, 404, KubeStatus.NotFound(target.Api, target.Name!)).ConfigureAwait(false);
            return;
        }

        var merged = MergePatch(existing.Node.DeepClone(), patch) as JsonObject;
        if (merged?["metadata"] is not JsonObject)
        {
            await WriteJsonAsync(context, 422, KubeStatus.Failure(422, "Invalid", "the patch leaves no metadata")).ConfigureAwait(false);
            return;
        }

        merged["metadata"]!["name"] = target.Name;
        if (target.Api.Namespaced)
        {
            merged["metadata"]!["namespace"] = target.Namespace;
        }
        if (patch?["metadata"]?["resourceVersion"] is null)
        {
            merged["metadata"]!.AsObject().Remove("resourceVersion"); // A patch without a version applies to whatever is there.
        }

        await ReplaceAsync(context, target, merged).ConfigureAwait(false);
    }

    private async Task ReplaceAsync(HttpContext context, ResourcePath target, JsonObject json)
    {
        var metadata = json["metadata"]!.AsObject();
        if ((string?)metadata["name"] != target.Name)
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest($"the name of the object ({(string?)metadata["name"]}) does not match the name on the URL ({target.Name})")).ConfigureAwait(false);
            return;
        }

        // Only the server sets a deletion; what a client sends there is ignored (the stored one is kept).
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        if (!await AdmitAsync(context, target, json, Store.Get(target.Resource, target.StoreNamespace, target.Name!)).ConfigureAwait(false))
        {
            return;
        }

        long? expected = long.TryParse((string?)metadata["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        var (stored, found) = Store.TryReplace(target.Resource, json, expected);
        if (found is null)
        {
            await WriteJsonAsync(context, 404, KubeStatus.NotFound(target.Api, target.Name!)).ConfigureAwait(false);
            return;
        }

        if (stored is null)
        {
            await WriteJsonAsync(context, 409, KubeStatus.Conflict(target.Api, target.Name!, "the object has been modified; please apply your changes to the latest version and try again")).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 200, stored.Json).ConfigureAwait(false);
    }

    /// <summary>Reads a whole object from the body and checks it belongs at the URL; answers the request itself when it does not.</summary>
    private async Task<JsonObject?> ReadObjectAsync(HttpContext context, ResourcePath target)
    {
        JsonObject? json;
        try
        {
            if (KubeProtobuf.IsProtobuf(context.Request.ContentType))
            {
                // kubectl's typed commands (create role, auth can-i…) post protobuf and accept JSON back.
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
                json = KubeProtobuf.ReadObject(buffer.ToArray());
                if (json is null)
                {
                    await WriteJsonAsync(context, 415, KubeStatus.Failure(415, "UnsupportedMediaType",
                        $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml")).ConfigureAwait(false);
                    return null;
                }
            }
            else
            {
                json = (await ReadBodyAsync(context).ConfigureAwait(false)) as JsonObject;
            }
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException)
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest("the body of the request was in an unknown format: " + ex.Message)).ConfigureAwait(false);
            return null;
        }

        if (json is null)
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest("the body of the request was empty")).ConfigureAwait(false);
            return null;
        }

        var kind = (string?)json["kind"];
        var apiVersion = (string?)json["apiVersion"];
        if ((kind is not null && kind != target.Api.Kind) || (apiVersion is not null && apiVersion != target.Api.GroupVersion))
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({target.Api.GroupVersion})")).ConfigureAwait(false);
            return null;
        }

        json["kind"] = target.Api.Kind;
        json["apiVersion"] = target.Api.GroupVersion;
        var metadata = json["metadata"] as JsonObject ?? [];
        json["metadata"] = metadata;
        if ((string?)metadata["namespace"] is { Length: > 0 } ns && ns != target.Namespace && target.Api.Namespaced)
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest("the namespace of the provided object does not match the namespace sent on the request")).ConfigureAwait(false);
            return null;
        }

        if (target.Api.Namespaced)
        {
            metadata["namespace"] = target.Namespace;
        }
        else
        {
            metadata.Remove("namespace"); // As the API server does for a cluster-scoped kind.
        }

        return json;
    }

    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                var current = result[name];
                result.Remove(name);
                result[name] = MergePatch(current, value);
            }
        }

        return result;
    }
}
