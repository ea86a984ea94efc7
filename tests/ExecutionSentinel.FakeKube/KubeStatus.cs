using System.Text.Json.Nodes;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// Status payloads as the API server writes them (raw JSON: the client's serializer cannot write <c>V1Status</c>), with
/// the <c>details</c> a real server adds (name, group, kind, retryAfterSeconds, causes).
/// </summary>
public static class KubeStatus
{
    public static string Failure(int code, string reason, string message) => Build(code, reason, message, details: null);

    public static string Success() => """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"}""";

    public static string NonZeroExit(int exitCode) =>
        $$$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [cat], exit code {{{exitCode}}}","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"{{{exitCode}}}"}]}}""";

    /// <summary><c>pods "x" not found</c> / <c>jobs.batch "x" not found</c>, details {name, group, kind}.</summary>
    internal static string NotFound(ApiResource resource, string name) =>
        Build(404, "NotFound", $"{resource.QualifiedName} \"{name}\" not found", Details(resource, name));

    internal static string AlreadyExists(ApiResource resource, string name) =>
        Build(409, "AlreadyExists", $"{resource.QualifiedName} \"{name}\" already exists", Details(resource, name));

    internal static string Conflict(ApiResource resource, string name, string why) =>
        Build(409, "Conflict", $"Operation cannot be fulfilled on {resource.QualifiedName} \"{name}\": {why}", Details(resource, name));

    internal static string BadRequest(string message) => Build(400, "BadRequest", message, details: null);

    /// <summary>410 Expired (the HTTP status of a list; a watch carries it in an ERROR event).</summary>
    internal static string Expired(string message, string? continueToken = null)
    {
        var status = JsonNode.Parse(Build(410, "Expired", message, details: null))!.AsObject();
        if (continueToken is not null)
        {
            status["metadata"] = new JsonObject { ["continue"] = continueToken };
        }

        return Json.Write(status);
    }

    /// <summary>The 504 a server gives for a resource version it has not reached (after waiting for it).</summary>
    internal static string TooLargeResourceVersion(long requested, long current) =>
        Build(504, "Timeout", $"Timeout: Too large resource version: {requested}, current: {current}", new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ResourceVersionTooLarge", ["message"] = "Too large resource version" }),
            ["retryAfterSeconds"] = 1,
        });

    internal static string Unauthorized() => Build(401, "Unauthorized", "Unauthorized", details: null);

    /// <summary>The authorizer's 403: <c>pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"</c>.</summary>
    internal static string Forbidden(ApiResource resource, string? name, string user, string verb, string authorizationResource, string? ns)
    {
        var subject = name is null ? resource.QualifiedName : $"{resource.QualifiedName} \"{name}\"";
        var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        var message = $"{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{authorizationResource}\" in API group \"{resource.Group}\" {scope}";
        return Build(403, "Forbidden", message, Details(resource, name));
    }

    /// <summary>422 for request options the server refuses (kind ListOptions in group meta.k8s.io).</summary>
    internal static string InvalidOptions(string field, string reason) =>
        Build(422, "Invalid", $"ListOptions.meta.k8s.io \"\" is invalid: {field}: Forbidden: {reason}", new JsonObject
        {
            ["group"] = "meta.k8s.io",
            ["kind"] = "ListOptions",
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueForbidden", ["message"] = "Forbidden: " + reason, ["field"] = field }),
        });

    /// <summary>A watch event carrying a failure Status (how a watch reports 410 and 504).</summary>
    internal static string ErrorEvent(string status) => $$"""{"type":"ERROR","object":{{status}}}""";

    private static JsonObject Details(ApiResource resource, string? name)
    {
        var details = new JsonObject();
        if (name is not null)
        {
            details["name"] = name;
        }

        if (resource.Group.Length > 0)
        {
            details["group"] = resource.Group;
        }

        details["kind"] = resource.Plural;
        return details;
    }

    private static string Build(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details;
        }

        status["code"] = code;
        return Json.Write(status);
    }
}
