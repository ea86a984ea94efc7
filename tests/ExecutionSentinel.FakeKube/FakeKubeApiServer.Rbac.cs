using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ExecutionSentinel.FakeKube;

/// <summary>Authorisation (grants, then stored RBAC), access reviews (<c>kubectl auth can-i</c>) and RBAC object validation.</summary>
public sealed partial class FakeKubeApiServer
{
    /// <summary>Paths every authenticated user may read (the discovery and public-info roles of a real cluster).</summary>
    private static readonly string[] DiscoveryPaths = ["/api", "/apis", "/version", "/healthz", "/livez", "/readyz", "/openapi"];

    /// <summary>Whether this identity may do this: one of its own grants allows it, or the stored RBAC objects do.</summary>
    public bool Authorize(FakeIdentity identity, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(request);
        return identity.Allows(request.Verb, request.CombinedResource, request.Namespace)
            || RbacAuthorizer.Allows(Store, identity.User, identity.Groups, request);
    }

    /// <summary>
    /// <c>POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews</c>: may the caller do what the review's
    /// <c>spec.resourceAttributes</c> (or <c>nonResourceAttributes</c>) say? Every authenticated user may ask. The answer
    /// is the review with <c>status.allowed</c> (and, when allowed by RBAC, the binding as <c>status.reason</c>).
    /// </summary>
    private async Task ReviewAccessAsync(HttpContext context, FakeIdentity identity, ResourcePath target)
    {
        if (context.Request.Method != "POST" || target.Name is not null)
        {
            await WriteJsonAsync(context, 405, KubeStatus.Failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")).ConfigureAwait(false);
            return;
        }

        if (await ReadObjectAsync(context, target).ConfigureAwait(false) is not { } review)
        {
            return;
        }

        var spec = review["spec"] as JsonObject;
        bool allowed;
        string? reason = null;
        if (spec?["resourceAttributes"] is JsonObject attributes)
        {
            var request = new AccessRequest(
                (string?)attributes["verb"] ?? "",
                (string?)attributes["group"] ?? "",
                (string?)attributes["resource"] ?? "",
                (string?)attributes["subresource"] is { Length: > 0 } sub ? sub : null,
                (string?)attributes["namespace"] is { Length: > 0 } ns ? ns : null,
                (string?)attributes["name"] is { Length: > 0 } name ? name : null);
            allowed = identity.Allows(request.Verb, request.CombinedResource, request.Namespace);
            if (!allowed && RbacAuthorizer.Explain(Store, identity.User, identity.Groups, request) is { } why)
            {
                (allowed, reason) = (true, why);
            }
        }
        else if (spec?["nonResourceAttributes"] is JsonObject nonResource)
        {
            var path = (string?)nonResource["path"] ?? "";
            allowed = identity.Grants.Contains(Grant.Everything)
                || ((string?)nonResource["verb"] == "get" && DiscoveryPaths.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal)));
        }
        else
        {
            await WriteJsonAsync(context, 422, RbacValidation.InvalidStatus(target.Api, "",
                [new("spec.resourceAttributes", "FieldValueRequired", "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified")])).ConfigureAwait(false);
            return;
        }

        var status = new JsonObject { ["allowed"] = allowed };
        if (reason is not null)
        {
            status["reason"] = reason;
        }

        review["metadata"] = new JsonObject { ["creationTimestamp"] = null };
        review["status"] = status;
        await WriteJsonAsync(context, 201, Json.Write(review)).ConfigureAwait(false);
    }

    /// <summary>
    /// Decodes an object on its way in as the API server does: unknown fields refused (400, <c>fieldValidation=Strict</c>)
    /// or dropped (with a warning unless <c>Ignore</c>), defaults applied, then validated (422, returning false).
    /// </summary>
    private async Task<bool> AdmitAsync(HttpContext context, ResourcePath target, JsonObject json, StoredObject? previous)
    {
        var unknown = FieldSchemas.DropUnknown(target.Api, json);
        if (unknown.Count > 0)
        {
            switch (Query(context, "fieldValidation"))
            {
                case "Strict":
                    var fields = string.Join(", ", unknown.Select(f => $"unknown field \"{f}\""));
                    await WriteJsonAsync(context, 400, KubeStatus.BadRequest(
                        $"{target.Api.Kind} in version \"{target.Api.Version}\" cannot be handled as a {target.Api.Kind}: strict decoding error: {fields}")).ConfigureAwait(false);
                    return false;
                case "Ignore":
                    break;
                default:
                    foreach (var field in unknown)
                    {
                        context.Response.Headers.Append("Warning", $"299 - \"unknown field \\\"{field}\\\"\"");
                    }

                    break;
            }
        }

        RbacValidation.ApplyDefaults(target.Api, json);
        var errors = RbacValidation.Validate(target.Api, json, previous?.Node);
        if (errors.Count == 0)
        {
            return true;
        }

        await WriteJsonAsync(context, 422, RbacValidation.InvalidStatus(target.Api, (string?)json["metadata"]?["name"] ?? "", errors)).ConfigureAwait(false);
        return false;
    }
}
