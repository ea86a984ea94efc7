using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Autorest;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// The <c>resourceVersion</c> parameter as a real server takes it: a version it has not reached is waited for (3 s by
/// default) and then answered with a 504 Timeout "Too large resource version" (for a watch, an ERROR event carrying
/// that Status with <c>details.retryAfterSeconds</c>); <c>resourceVersionMatch=Exact</c> is the state at that version,
/// or 410 once it is compacted; <c>NotOlderThan</c> is the current state; a version that is not a number is a 400.
/// </summary>
public sealed class ResourceVersionTests : FakeServerTest
{
    [Fact]
    public async Task A_watch_from_a_future_version_waits_and_then_gets_an_ERROR_event_with_a_504_Status()
    {
        Pod("a");
        var current = Server.Store.CurrentVersion;
        var future = current + 5;
        var raw = await PythonAsync();
        var typed = await PythonAsync();

        await raw.SendAsync(new { op = "watch_raw", resource = "pods", @namespace = Ns, resource_version = V(future), timeout_seconds = 300 });
        await typed.SendAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(future), timeout_seconds = 300 });
        var byKubectl = KubectlStart("get", "--raw", $"/api/v1/namespaces/{Ns}/pods?watch=true&resourceVersion={future}");
        await WaitUntilAsync(() => Server.WaitingForVersion == 3);
        Time.Advance(Server.TooLargeResourceVersionWait);
        await WaitUntilAsync(() => Server.WaitingForVersion == 0);
        var line = (await raw.ReadWatchAsync(wait: TimeSpan.FromSeconds(10))).Single().GetProperty("line");
        var error = (await typed.ReadWatchAsync()).Single();
        var kubectlLine = ParseJson((await ReadLineAsync(byKubectl))!);

        Assert.Equal("ERROR", line.GetProperty("type").GetString());
        var status = line.GetProperty("object");
        Assert.Equal("Status", status.GetProperty("kind").GetString());
        Assert.Equal("Failure", status.GetProperty("status").GetString());
        Assert.Equal(504, status.GetProperty("code").GetInt32());
        Assert.Equal("Timeout", status.GetProperty("reason").GetString());
        Assert.Equal($"Timeout: Too large resource version: {future}, current: {current}", status.GetProperty("message").GetString());
        Assert.Equal(1, status.GetProperty("details").GetProperty("retryAfterSeconds").GetInt32());
        Assert.Equal("ResourceVersionTooLarge", status.GetProperty("details").GetProperty("causes")[0].GetProperty("reason").GetString());
        Assert.Equal(504, error.GetProperty("error").GetInt32());
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(line.GetRawText()), System.Text.Json.Nodes.JsonNode.Parse(kubectlLine.GetRawText())), kubectlLine.GetRawText());
    }

    [Fact]
    public async Task A_watch_from_a_future_version_goes_on_once_the_server_reaches_it()
    {
        Pod("a");
        var python = await PythonAsync();
        var future = Server.Store.CurrentVersion + 1;

        await python.SendAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(future), timeout_seconds = 300 });
        await WaitUntilAsync(() => Server.WaitingForVersion == 1);
        Change("a", p => p["metadata"]!["labels"]!["step"] = "1"); // Reaches the version: the watch starts after it.
        await WaitForWatchAsync();
        var next = Change("a", p => p["metadata"]!["labels"]!["step"] = "2");
        var first = await python.ReadAsync();

        Assert.Equal(V(next.ResourceVersion), first.GetProperty("rv").GetString());
    }

    [Fact]
    public async Task A_list_not_older_than_a_future_version_waits_and_then_gets_504()
    {
        Pod("a");
        var future = Server.Store.CurrentVersion + 5;
        var python = await PythonAsync();

        await python.SendAsync(new { op = "list", resource = "pods", @namespace = Ns, resource_version = V(future), resource_version_match = "NotOlderThan" });
        var byCSharp = Client().CoreV1.ListNamespacedPodAsync(Ns, resourceVersion: V(future), resourceVersionMatch: "NotOlderThan");
        await WaitUntilAsync(() => Server.WaitingForVersion == 2);
        Time.Advance(Server.TooLargeResourceVersionWait);
        var answer = await python.ReadAsync();
        var thrown = await Assert.ThrowsAsync<HttpOperationException>(() => byCSharp);

        Assert.Equal(504, answer.GetProperty("status").GetInt32());
        Assert.Equal("Timeout", answer.GetProperty("body").GetProperty("reason").GetString());
        Assert.Equal(System.Net.HttpStatusCode.GatewayTimeout, thrown.Response.StatusCode);
    }

    [Fact]
    public async Task A_version_that_is_not_a_number_is_a_400_for_lists_and_watches()
    {
        var python = await PythonAsync();

        var list = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, resource_version = "abc" });
        var watch = await python.CallAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = "abc", timeout_seconds = 5 });
        await python.ReadWatchAsync();
        var (exit, _, stderr) = await Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{Ns}/pods?resourceVersion=12x");

        Assert.Equal(400, list.GetProperty("status").GetInt32());
        Assert.Equal("BadRequest", list.GetProperty("body").GetProperty("reason").GetString());
        Assert.StartsWith("invalid resource version: ", list.GetProperty("body").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, watch.GetProperty("error").GetInt32());
        Assert.NotEqual(0, exit);
        Assert.Contains("Error from server (BadRequest)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exact_is_the_state_at_that_version_NotOlderThan_the_current_state_and_a_compacted_version_410()
    {
        Pod("a");
        Pod("b");
        var then = Server.Store.CurrentVersion;
        Change("a", p => p["metadata"]!["labels"]!["step"] = "later");
        Server.Store.Delete("pods", Ns, "b");
        Pod("c");
        var python = await PythonAsync();

        var exact = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, resource_version = V(then), resource_version_match = "Exact" });
        var notOlder = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, resource_version = V(then), resource_version_match = "NotOlderThan" });
        var byCSharp = await Client().CoreV1.ListNamespacedPodAsync(Ns, resourceVersion: V(then), resourceVersionMatch: "Exact");
        var byKubectl = ParseJson(await KubectlOkAsync("get", "--raw", $"/api/v1/namespaces/{Ns}/pods?resourceVersion={then}&resourceVersionMatch=Exact"));

        Assert.Equal(["a", "b"], Names(exact));
        Assert.Equal(V(then), exact.GetProperty("resourceVersion").GetString());
        Assert.False(exact.GetProperty("items")[0].GetProperty("labels").TryGetProperty("step", out _), "a as it was then");
        Assert.Equal(["a", "c"], Names(notOlder));
        Assert.Equal(V(Server.Store.CurrentVersion), notOlder.GetProperty("resourceVersion").GetString());
        Assert.Equal(["a", "b"], byCSharp.Items.Select(p => p.Metadata.Name));
        Assert.Equal(["a", "b"], byKubectl.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));

        Server.Store.Compact();
        Change("c", p => p["metadata"]!["labels"]!["step"] = "after-compaction");
        var compacted = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, resource_version = V(then), resource_version_match = "Exact" });
        var future = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, resource_version = V(Server.Store.CurrentVersion + 10), resource_version_match = "Exact" });
        var zero = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, resource_version = "0", resource_version_match = "Exact" });

        Assert.Equal(410, compacted.GetProperty("status").GetInt32());
        Assert.Equal("Expired", compacted.GetProperty("body").GetProperty("reason").GetString());
        Assert.Equal("The resourceVersion for the provided list is too old.", compacted.GetProperty("body").GetProperty("message").GetString());
        Assert.Equal(504, future.GetProperty("status").GetInt32());
        Assert.Equal(422, zero.GetProperty("status").GetInt32());
    }

    private static string V(long version) => version.ToString(CultureInfo.InvariantCulture);
}
