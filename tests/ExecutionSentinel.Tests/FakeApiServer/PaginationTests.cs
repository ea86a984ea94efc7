using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Autorest;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// <c>limit</c> and <c>continue</c> as a real server serves them: every later page is the snapshot at the first page's
/// resource version, whatever changed since; a token whose version has been compacted is a 410 Expired that hands out a
/// token to go on at the latest version.
/// </summary>
public sealed class PaginationTests : FakeServerTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var name in new[] { "p1", "p2", "p3", "p4", "p5", "p6", "p7" })
        {
            Pod(name);
        }
    }

    [Fact]
    public async Task Later_pages_are_the_snapshot_at_the_first_pages_version()
    {
        var python = await PythonAsync();
        var first = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, limit = 3 });
        var snapshot = first.GetProperty("resourceVersion").GetString();

        // The namespace moves on between pages.
        Server.Store.Delete("pods", Ns, "p5");
        Server.Store.Delete("pods", Ns, "p2");
        Pod("p4a");
        Change("p6", p => p["metadata"]!["labels"]!["changed"] = "yes");

        var second = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, limit = 3, @continue = first.GetProperty("continue").GetString() });
        var third = ParseJson(await KubectlOkAsync("get", "--raw", $"/api/v1/namespaces/{Ns}/pods?limit=3&continue={second.GetProperty("continue").GetString()}"));
        var byCSharp = await Client().CoreV1.ListNamespacedPodAsync(Ns, limit: 3, continueParameter: first.GetProperty("continue").GetString());
        var fresh = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns });

        Assert.Equal(["p1", "p2", "p3"], Names(first));
        Assert.Equal(4, first.GetProperty("remainingItemCount").GetInt32());
        Assert.Equal(["p4", "p5", "p6"], Names(second));
        Assert.False(second.GetProperty("items")[2].GetProperty("labels").TryGetProperty("changed", out _), "p6 as it was at the snapshot");
        Assert.Equal(snapshot, second.GetProperty("resourceVersion").GetString());
        Assert.Equal(["p7"], third.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
        Assert.Equal(snapshot, third.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.False(third.GetProperty("metadata").TryGetProperty("continue", out _));
        Assert.Equal(["p4", "p5", "p6"], byCSharp.Items.Select(p => p.Metadata.Name));
        Assert.Equal(["p1", "p3", "p4", "p4a", "p6", "p7"], Names(fresh));
    }

    [Fact]
    public async Task Kubectl_paginates_a_selected_list_on_its_own()
    {
        Pod("q1", labels: new Dictionary<string, string> { ["app"] = "other" });

        var names = await KubectlOkAsync("get", "pods", "-n", Ns, "-l", "app=demo", "--chunk-size=2", "-o", "name");

        Assert.Equal(7, names.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(Server.Requests, r => r.Contains("limit=2", StringComparison.Ordinal) && r.Contains("continue=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_continue_token_is_410_Expired_with_a_token_to_go_on_at_the_latest_version()
    {
        var python = await PythonAsync();
        var first = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, limit = 3 });
        var token = first.GetProperty("continue").GetString()!;
        Change("p1", p => p["metadata"]!["labels"]!["changed"] = "yes");
        Server.Store.Compact();
        Change("p7", p => p["metadata"]!["labels"]!["changed"] = "yes");

        var expired = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, limit = 3, @continue = token });
        var thrown = await Assert.ThrowsAsync<HttpOperationException>(() => Client().CoreV1.ListNamespacedPodAsync(Ns, limit: 3, continueParameter: token));
        var body = expired.GetProperty("body");
        var goOn = body.GetProperty("metadata").GetProperty("continue").GetString();
        var rest = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, limit = 10, @continue = goOn });

        Assert.Equal(410, expired.GetProperty("status").GetInt32());
        Assert.Equal("Expired", body.GetProperty("reason").GetString());
        Assert.StartsWith("The provided continue parameter is too old to display a consistent list result.", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Gone, thrown.Response.StatusCode);
        Assert.Equal(["p4", "p5", "p6", "p7"], Names(rest));
        Assert.Equal(Server.Store.CurrentVersion.ToString(CultureInfo.InvariantCulture), rest.GetProperty("resourceVersion").GetString());
        Assert.True(rest.GetProperty("items")[3].GetProperty("labels").TryGetProperty("changed", out _), "the latest p7");
    }

    [Fact]
    public async Task A_garbled_token_or_a_token_with_a_resource_version_is_a_400()
    {
        var python = await PythonAsync();
        var first = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, limit = 3 });

        var garbled = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, limit = 3, @continue = "not-a-token" });
        var both = await python.CallAsync(new
        {
            op = "list", resource = "pods", @namespace = Ns, limit = 3, @continue = first.GetProperty("continue").GetString(),
            resource_version = first.GetProperty("resourceVersion").GetString(),
        });

        Assert.Equal(400, garbled.GetProperty("status").GetInt32());
        Assert.StartsWith("invalid continue token", garbled.GetProperty("body").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, both.GetProperty("status").GetInt32());
        Assert.Equal("specifying resource version is not allowed when using continue", both.GetProperty("body").GetProperty("message").GetString());
    }
}
