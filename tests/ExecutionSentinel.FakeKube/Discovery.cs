namespace ExecutionSentinel.FakeKube;

/// <summary>The legacy discovery documents kubectl reads before anything else.</summary>
internal static class Discovery
{
    public static string CoreVersions(string address) =>
        $$"""{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"{{address}}"}]}""";

    public const string Groups = """
        {"kind":"APIGroupList","apiVersion":"v1","groups":[
          {"name":"batch","versions":[{"groupVersion":"batch/v1","version":"v1"}],"preferredVersion":{"groupVersion":"batch/v1","version":"v1"}}
        ]}
        """;

    public const string CoreResources = """
        {"kind":"APIResourceList","groupVersion":"v1","resources":[
          {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["po"],"categories":["all"]},
          {"name":"pods/exec","singularName":"","namespaced":true,"kind":"PodExecOptions","verbs":["create","get"]},
          {"name":"pods/status","singularName":"","namespaced":true,"kind":"Pod","verbs":["get","patch","update"]}
        ]}
        """;

    public const string BatchResources = """
        {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"batch/v1","resources":[
          {"name":"jobs","singularName":"job","namespaced":true,"kind":"Job","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"categories":["all"]},
          {"name":"jobs/status","singularName":"","namespaced":true,"kind":"Job","verbs":["get","patch","update"]}
        ]}
        """;

    public const string Version = """{"major":"1","minor":"32","gitVersion":"v1.32.0-fake","platform":"linux/amd64"}""";
}
