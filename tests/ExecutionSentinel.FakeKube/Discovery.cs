using System.Text.Json.Nodes;

namespace ExecutionSentinel.FakeKube;

/// <summary>The legacy discovery documents kubectl reads before anything else, made from <see cref="ApiResource.All"/>.</summary>
internal static class Discovery
{
    public static string CoreVersions(string address) =>
        $$"""{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"{{address}}"}]}""";

    public static string Groups { get; } = new JsonObject
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray([.. ApiResource.All.Where(r => r.Group.Length > 0).Select(r => r.Group).Distinct().Select(group =>
        {
            var version = ApiResource.All.First(r => r.Group == group);
            var preferred = new JsonObject { ["groupVersion"] = version.GroupVersion, ["version"] = version.Version };
            return (JsonNode)new JsonObject
            {
                ["name"] = group,
                ["versions"] = new JsonArray(preferred.DeepClone()),
                ["preferredVersion"] = preferred,
            };
        })]),
    }.ToJsonString();

    /// <summary>The resource list of a group version (<c>v1</c>, <c>batch/v1</c>), or null when none is served there.</summary>
    public static string? Resources(string groupVersion)
    {
        var served = ApiResource.All.Where(r => r.GroupVersion == groupVersion).ToList();
        if (served.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var resource in served)
        {
            var entry = new JsonObject
            {
                ["name"] = resource.Plural,
                ["singularName"] = resource.Singular,
                ["namespaced"] = resource.Namespaced,
                ["kind"] = resource.Kind,
                ["verbs"] = new JsonArray([.. resource.Verbs.Select(v => (JsonNode)v)]),
            };
            if (resource.ShortNames.Count > 0)
            {
                entry["shortNames"] = new JsonArray([.. resource.ShortNames.Select(s => (JsonNode)s)]);
            }

            if (resource.Plural is "pods" or "jobs")
            {
                entry["categories"] = new JsonArray("all");
            }

            resources.Add(entry);
            if (resource == ApiResource.Pods)
            {
                resources.Add(new JsonObject { ["name"] = "pods/exec", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "PodExecOptions", ["verbs"] = new JsonArray("create", "get") });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = groupVersion,
            ["resources"] = resources,
        }.ToJsonString();
    }

    /// <summary>
    /// <c>/openapi/v3</c>: where each group version's OpenAPI document is. kubectl reads it (with <c>--validate</c>, the
    /// default) to learn whether the server validates fields itself (the <c>fieldValidation</c> parameter).
    /// </summary>
    public static string OpenApiRoot { get; } = new JsonObject
    {
        ["paths"] = new JsonObject([.. ApiResource.All.Select(r => r.GroupVersion).Distinct().Select(gv =>
            new KeyValuePair<string, JsonNode?>(OpenApiKey(gv), new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{OpenApiKey(gv)}?hash=fake" }))]),
    }.ToJsonString();

    /// <summary>
    /// <c>/openapi/v3/apis/GROUP/VERSION</c>: a document that holds the operations only (no schemas), each PATCH with its
    /// kind and the <c>fieldValidation</c> parameter, as a real server declares it: kubectl then leaves field validation to
    /// the server (<c>fieldValidation=Strict</c>) instead of validating against schemas it would need to download.
    /// </summary>
    public static string? OpenApi(string key)
    {
        var served = ApiResource.All.Where(r => OpenApiKey(r.GroupVersion) == key && r.Verbs.Contains("patch")).ToList();
        if (served.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        foreach (var resource in served)
        {
            var prefix = resource.Group.Length == 0 ? "/api/v1" : $"/apis/{resource.GroupVersion}";
            var path = resource.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{resource.Plural}/{{name}}" : $"{prefix}/{resource.Plural}/{{name}}";
            paths[path] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = "patch" + resource.Kind,
                    ["parameters"] = new JsonArray(
                        new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = resource.Group, ["version"] = resource.Version, ["kind"] = resource.Kind },
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0-fake" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        }.ToJsonString();
    }

    private static string OpenApiKey(string groupVersion) => groupVersion.Contains('/', StringComparison.Ordinal) ? "apis/" + groupVersion : "api/" + groupVersion;

    public const string Version = """{"major":"1","minor":"32","gitVersion":"v1.32.0-fake","platform":"linux/amd64"}""";
}
