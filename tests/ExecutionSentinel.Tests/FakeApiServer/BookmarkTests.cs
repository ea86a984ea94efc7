using System.Globalization;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using k8s;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// Bookmarks come about once a minute, as from a real server: on the server's own timer (its clock can be a test's),
/// or from the cluster driver once a minute of simulated time, never once a step; only to watches that asked.
/// </summary>
public sealed class BookmarkTests : FakeServerTest
{
    protected override TimeSpan? BookmarkInterval => TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_server_sends_a_bookmark_once_a_minute_of_its_clock_to_watches_that_asked()
    {
        Pod("a");
        var asked = await PythonAsync();
        var notAsked = await PythonAsync();
        await asked.SendAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(Server.Store.CurrentVersion), allow_watch_bookmarks = true, timeout_seconds = 600 });
        await notAsked.SendAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(Server.Store.CurrentVersion), timeout_seconds = 600 });
        await WaitUntilAsync(() => Server.Store.Watches.Count == 2);

        Time.Advance(TimeSpan.FromSeconds(59));
        var change = Change("a", p => p["metadata"]!["labels"]!["step"] = "1");
        var beforeTheMinute = await asked.ReadAsync();
        Time.Advance(TimeSpan.FromSeconds(1));
        var atTheMinute = await asked.ReadAsync();
        Time.Advance(TimeSpan.FromSeconds(60));
        var nextMinute = await asked.ReadAsync();
        var last = Change("a", p => p["metadata"]!["labels"]!["step"] = "2");
        var notAskedSaw = await notAsked.ReadWatchAsync(stop: e => e.GetProperty("rv").GetString() == V(last.ResourceVersion));

        Assert.Equal("MODIFIED", beforeTheMinute.GetProperty("event").GetString());
        Assert.Equal("BOOKMARK", atTheMinute.GetProperty("event").GetString());
        Assert.Equal(V(change.ResourceVersion), atTheMinute.GetProperty("rv").GetString());
        Assert.Equal("BOOKMARK", nextMinute.GetProperty("event").GetString());
        Assert.Equal(["MODIFIED", "MODIFIED"], notAskedSaw.Select(e => e.GetProperty("event").GetString()));
    }

    [Fact]
    public async Task The_driver_sends_bookmarks_once_a_minute_of_simulated_time_not_once_a_step()
    {
        await using var server = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { Time = Time, BookmarkInterval = null });
        var trace = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");
        var cluster = new SimulatedCluster(trace, Time, new SimulatedClusterOptions { ParallelSlots = 4 });
        var driver = new HyperFlowClusterDriver(server, cluster, HyperFlowObjects.FromHyperFlowTemplate(Ns));
        using var client = new k8s.Kubernetes(server.ClientConfiguration);
        var bookmarks = 0;
        var events = 0;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, _) in client.CoreV1.WatchListNamespacedPodAsync(
                Ns, resourceVersion: V(server.Store.CurrentVersion), allowWatchBookmarks: true, timeoutSeconds: 3600, cancellationToken: bound.Token))
            {
                if (type == WatchEventType.Bookmark)
                {
                    bookmarks++;
                }
                else
                {
                    events++;
                }
            }
        });
        await WaitOnAsync(server, () => server.Store.Watches.Count == 1);

        for (var second = 0; second < 150; second++)
        {
            driver.Sync(Time.GetUtcNow());
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await WaitOnAsync(server, () => server.Store.Watches.All(w => w.Sent == w.Wanted));
        server.Store.CloseAllWatches();
        await watching;

        Assert.Equal(3, bookmarks); // At 0 s, 60 s and 120 s: 148 before, one per step.
        Assert.True(events > 10, $"the run should have changed pods ({events} events)");
    }

    private static async Task WaitOnAsync(FakeKubeApiServer server, Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var next = server.Changed.Next;
            if (condition())
            {
                return;
            }

            await next.WaitAsync(bound.Token);
        }
    }

    private static string V(long version) => version.ToString(CultureInfo.InvariantCulture);
}
