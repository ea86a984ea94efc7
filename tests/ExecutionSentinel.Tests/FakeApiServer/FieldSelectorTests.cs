using System.Text.Json;
using k8s;
using k8s.Autorest;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// <c>fieldSelector</c> on lists and watches, as a real server takes it: <c>metadata.name</c>, <c>metadata.namespace</c>,
/// and for pods <c>status.phase</c> and <c>spec.nodeName</c>; <c>=</c>, <c>==</c>, <c>!=</c>, joined by commas; any
/// other field a 400 "field label not supported".
/// </summary>
public sealed class FieldSelectorTests : FakeServerTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Pod("a", "Running", "node-1");
        Pod("b", "Pending", node: null);
        Pod("c", "Succeeded", "node-2");
        Pod("d", "Running", "node-2");
        Pod("e", "Running", "node-1", ns: "other");
    }

    [Theory]
    [InlineData("status.phase=Running", "a d")]
    [InlineData("status.phase==Running", "a d")]
    [InlineData("status.phase!=Running", "b c")]
    [InlineData("spec.nodeName=node-2", "c d")]
    [InlineData("spec.nodeName=", "b")]
    [InlineData("status.phase=Running,spec.nodeName=node-2", "d")]
    [InlineData("metadata.name=a", "a")]
    [InlineData("metadata.name!=a,status.phase!=Pending", "c d")]
    [InlineData("metadata.namespace=wf,metadata.name=e", "")]
    public async Task Kubectl_and_the_Python_client_list_what_the_selector_selects(string selector, string expected)
    {
        var python = await PythonAsync();

        var byKubectl = (await KubectlOkAsync("get", "pods", "-n", Ns, "--field-selector", selector, "-o", "name"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => n["pod/".Length..]).Order(StringComparer.Ordinal);
        var byPython = Names(await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, field_selector = selector }));

        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), byKubectl);
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), byPython);
    }

    [Fact]
    public async Task Across_namespaces_metadata_namespace_and_spec_nodeName_select()
    {
        var inOther = await KubectlOkAsync("get", "pods", "--all-namespaces", "--field-selector", "metadata.namespace=other", "-o", "name");
        var onNode1 = await KubectlOkAsync("get", "pods", "--all-namespaces", "--field-selector", "spec.nodeName=node-1", "-o", "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}");

        Assert.Equal("pod/e", inOther.Trim());
        Assert.Equal("other/e wf/a", onNode1.Trim());
    }

    [Fact]
    public async Task An_unsupported_field_is_a_400_like_a_real_servers()
    {
        var python = await PythonAsync();

        var (exit, _, stderr) = await Kubectl.RunAsync("get", "pods", "-n", Ns, "--field-selector", "status.hostIP=10.0.0.1");
        var answer = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, field_selector = "spec.containers=main" });
        var jobs = await python.CallAsync(new { op = "list", resource = "jobs", @namespace = Ns, field_selector = "status.phase=Running" });
        var thrown = await Assert.ThrowsAsync<HttpOperationException>(() => Client().CoreV1.ListNamespacedPodAsync(Ns, fieldSelector: "status.reason=Evicted"));

        Assert.NotEqual(0, exit);
        Assert.Contains("Error from server (BadRequest)", stderr, StringComparison.Ordinal);
        Assert.Contains("field label not supported: status.hostIP", stderr, StringComparison.Ordinal);
        Assert.Equal(400, answer.GetProperty("status").GetInt32());
        Assert.Equal("field label not supported: spec.containers", answer.GetProperty("body").GetProperty("message").GetString());
        Assert.Equal("BadRequest", answer.GetProperty("body").GetProperty("reason").GetString());
        Assert.Equal("field label not supported: status.phase", jobs.GetProperty("body").GetProperty("message").GetString());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, thrown.Response.StatusCode);
        Assert.Contains("field label not supported: status.reason", thrown.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_field_selected_watch_sends_ADDED_when_an_object_starts_matching_and_DELETED_when_it_stops()
    {
        var python = await PythonAsync();
        var list = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, field_selector = "status.phase=Running" });
        await python.SendAsync(new
        {
            op = "watch", resource = "pods", @namespace = Ns, field_selector = "status.phase=Running",
            resource_version = list.GetProperty("resourceVersion").GetString(), timeout_seconds = 60,
        });
        await WaitForWatchAsync(w => w.Resource == "pods");

        Change("b", p => { p["spec"]!["nodeName"] = "node-1"; p["status"]!["phase"] = "Running"; });
        Change("a", p => p["status"]!["phase"] = "Succeeded");
        Change("c", p => p["metadata"]!["labels"]!["touched"] = "yes"); // Never Running: nothing to say.
        Change("d", p => p["metadata"]!["labels"]!["touched"] = "yes");
        var events = await python.ReadWatchAsync(stop: e => e.GetProperty("name").GetString() == "d");

        Assert.Equal(["ADDED b Running", "DELETED a Running", "MODIFIED d Running"], events.Select(Describe));
    }

    private static string Describe(JsonElement e) => $"{e.GetProperty("event").GetString()} {e.GetProperty("name").GetString()} {e.GetProperty("phase").GetString()}";
}
