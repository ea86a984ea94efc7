using System.Text.Json.Nodes;

namespace ExecutionSentinel.FakeKube;

/// <summary>The legacy discovery documents kubectl reads before anything else, made from <see cref="ApiResource.All"/>.</summary>
internal static class Discovery
{
    private static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

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
                ["namespaced"] = true,
                ["kind"] = resource.Kind,
                ["verbs"] = new JsonArray([.. Verbs.Select(v => (JsonNode)v)]),
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

    public const string Version = """{"major":"1","minor":"32","gitVersion":"v1.32.0-fake","platform":"linux/amd64"}""";
}
