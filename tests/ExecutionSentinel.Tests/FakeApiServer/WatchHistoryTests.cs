using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// Watching from a resource version, as a real server answers it: from the current version always (even right after a
/// compaction); from an older one, the changes since then while they are inside the history window (by count and by
/// age), else one ERROR event carrying a 410 Expired Status (HTTP 200). This is also what a client's resume after a
/// reconnect gets.
/// </summary>
public sealed class WatchHistoryTests : FakeServerTest
{
    [Fact]
    public async Task After_a_compaction_a_watch_from_the_current_version_is_accepted_and_one_from_an_older_version_gets_410()
    {
        Pod("a");
        Pod("b");
        var older = Server.Store.CurrentVersion - 1;
        var current = Server.Store.CurrentVersion;
        Server.Store.Compact();
        var python = await PythonAsync();
        var refused = await PythonAsync();

        await python.SendAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(current), timeout_seconds = 300 });
        await WaitForWatchAsync();
        var modified = Change("a", p => p["metadata"]!["labels"]!["step"] = "1");
        var accepted = await python.ReadAsync();
        var expired = await refused.CallAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(older), timeout_seconds = 300 });
        var raw = ParseJson((await KubectlOkAsync("get", "--raw", $"/api/v1/namespaces/{Ns}/pods?watch=true&resourceVersion={older}")).Trim());

        Assert.Equal("MODIFIED", accepted.GetProperty("event").GetString());
        Assert.Equal(V(modified.ResourceVersion), accepted.GetProperty("rv").GetString());
        Assert.Equal(410, expired.GetProperty("error").GetInt32());
        Assert.StartsWith("Expired: too old resource version", expired.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("ERROR", raw.GetProperty("type").GetString());
        Assert.Equal("Status", raw.GetProperty("object").GetProperty("kind").GetString());
        Assert.Equal(410, raw.GetProperty("object").GetProperty("code").GetInt32());
        Assert.Equal("Expired", raw.GetProperty("object").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Resuming_from_the_last_version_seen_replays_what_happened_while_disconnected()
    {
        Pod("a");
        Pod("b");
        var python = await PythonAsync();
        var start = (await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns })).GetProperty("resourceVersion").GetString();
        await python.SendAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = start, timeout_seconds = 300 });
        await WaitForWatchAsync();
        Change("a", p => p["metadata"]!["labels"]!["step"] = "1");
        var seen = await python.ReadAsync();
        Server.Store.CloseAllWatches(); // The connection drops (an API server restart, a load balancer).
        await python.ReadWatchAsync();

        // Meanwhile:
        var b = Change("b", p => p["metadata"]!["labels"]!["step"] = "2");
        var a = Server.Store.Delete("pods", Ns, "a")!;
        var c = Pod("c");

        var lastSeen = seen.GetProperty("rv").GetString()!;
        var replayed = await python.CallAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = lastSeen, timeout_seconds = 300 });
        var rest = await python.ReadWatchAsync(stop: e => e.GetProperty("name").GetString() == "c");
        var byCSharp = await WatchWithClientAsync(lastSeen, count: 3);

        string[] expected = [$"MODIFIED b {b.ResourceVersion}", $"DELETED a {a.ResourceVersion}", $"ADDED c {c.ResourceVersion}"];
        Assert.Equal(expected, new[] { replayed }.Concat(rest).Select(e => $"{e.GetProperty("event").GetString()} {e.GetProperty("name").GetString()} {e.GetProperty("rv").GetString()}"));
        Assert.Equal(expected, byCSharp.Events);
    }

    [Fact]
    public async Task The_Python_clients_own_reconnect_resumes_from_its_last_version()
    {
        Pod("a");
        var python = await PythonAsync();
        var start = (await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns })).GetProperty("resourceVersion").GetString();

        // Without timeout_seconds the client re-watches by itself when a stream ends, from the last version it saw.
        await python.SendAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = start });
        await WaitForWatchAsync();
        var first = Change("a", p => p["metadata"]!["labels"]!["step"] = "1");
        Assert.Equal("MODIFIED", (await python.ReadAsync()).GetProperty("event").GetString());
        Server.Store.CloseAllWatches();
        await WaitForWatchAsync(); // The client is back.
        var second = Change("a", p => p["metadata"]!["labels"]!["step"] = "2");
        var after = await python.ReadAsync();

        Assert.Equal(V(second.ResourceVersion), after.GetProperty("rv").GetString());
        Assert.Contains(Server.Requests, r => r.Contains("watch=true", StringComparison.OrdinalIgnoreCase) && r.Contains($"resourceVersion={first.ResourceVersion}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outside_a_history_window_of_three_changes_a_resume_gets_410_inside_it_replays()
    {
        Server.Store.HistoryWindow = 3;
        Pod("a");
        var start = Server.Store.CurrentVersion;
        var versions = Enumerable.Range(1, 5).Select(i => Change("a", p => p["metadata"]!["labels"]!["step"] = V(i)).ResourceVersion).ToList();
        var python = await PythonAsync();

        var expired = await python.CallAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(start), timeout_seconds = 300 });
        await python.ReadWatchAsync();
        var byCSharp = await WatchWithClientAsync(V(start), count: 1);
        var inside = await python.CallAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(versions[1]), timeout_seconds = 300, max_events = 3 });
        var rest = await python.ReadWatchAsync();

        Assert.Equal(410, expired.GetProperty("error").GetInt32());
        Assert.Equal(410, Assert.IsType<KubernetesException>(byCSharp.Error).Status.Code);
        Assert.Equal("Expired", ((KubernetesException)byCSharp.Error!).Status.Reason);
        Assert.Empty(byCSharp.Events);
        Assert.Equal(versions.Skip(2).Select(V), new[] { inside }.Concat(rest).Select(e => e.GetProperty("rv").GetString()));
    }

    [Fact]
    public async Task Outside_a_history_window_of_two_minutes_a_resume_gets_410_inside_it_replays()
    {
        Server.Store.HistoryRetention = TimeSpan.FromMinutes(2);
        Pod("a");
        var start = Server.Store.CurrentVersion;
        var early = Change("a", p => p["metadata"]!["labels"]!["step"] = "early");
        Time.Advance(TimeSpan.FromMinutes(3));
        var late = Change("a", p => p["metadata"]!["labels"]!["step"] = "late");
        var python = await PythonAsync();

        var expired = await python.CallAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(start), timeout_seconds = 300 });
        await python.ReadWatchAsync();
        var inside = await python.CallAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(early.ResourceVersion), timeout_seconds = 300, max_events = 1 });
        await python.ReadWatchAsync();

        Assert.Equal(410, expired.GetProperty("error").GetInt32());
        Assert.Equal(V(late.ResourceVersion), inside.GetProperty("rv").GetString());
    }

    private async Task<(List<string> Events, Exception? Error)> WatchWithClientAsync(string resourceVersion, int count)
    {
        var events = new List<string>();
        Exception? error = null;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var (type, pod) in Client().CoreV1.WatchListNamespacedPodAsync(
            Ns, resourceVersion: resourceVersion, timeoutSeconds: 300, onError: e => error = e, cancellationToken: bound.Token))
        {
            events.Add($"{type.ToString().ToUpperInvariant()} {pod.Name()} {pod.ResourceVersion()}");
            if (events.Count == count)
            {
                break;
            }
        }

        return (events, error);
    }

    private static string V(long version) => version.ToString(CultureInfo.InvariantCulture);
}
