using System.Globalization;
using System.Text.Json;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// DELETE of a running pod as a real server does it: <c>deletionTimestamp</c> (now + grace: the request's, else the
/// pod's <c>terminationGracePeriodSeconds</c>, else 30 s) and <c>deletionGracePeriodSeconds</c> with a MODIFIED event;
/// DELETED when the kubelet confirms or the grace ends on the server's clock. A finished or unscheduled pod goes at
/// once. A Job deleted with Background or Foreground propagation takes its pods the same way.
/// </summary>
public sealed class GracefulDeletionTests : FakeServerTest
{
    [Fact]
    public async Task A_running_pod_is_terminating_for_its_grace_period_then_DELETED()
    {
        Pod("a", grace: 20);
        var python = await PythonAsync();
        await python.SendAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(Server.Store.CurrentVersion), timeout_seconds = 600 });
        await WaitForWatchAsync();

        await KubectlOkAsync("delete", "pod", "a", "-n", Ns, "--wait=false");
        var terminating = await python.ReadAsync();
        var stillThere = ParseJson(await KubectlOkAsync("get", "pod", "a", "-n", Ns, "-o", "json"));
        Time.Advance(TimeSpan.FromSeconds(19));
        var (beforeExit, _, _) = await Kubectl.RunAsync("get", "pod", "a", "-n", Ns);
        Time.Advance(TimeSpan.FromSeconds(1));
        var gone = await python.ReadAsync();
        var (afterExit, _, afterError) = await Kubectl.RunAsync("get", "pod", "a", "-n", Ns);

        Assert.Equal("MODIFIED", terminating.GetProperty("event").GetString());
        Assert.Equal("2025-03-01T12:00:20Z", terminating.GetProperty("deletionTimestamp").GetString());
        Assert.Equal(20, terminating.GetProperty("deletionGracePeriodSeconds").GetInt32());
        Assert.Equal("2025-03-01T12:00:20Z", stillThere.GetProperty("metadata").GetProperty("deletionTimestamp").GetString());
        Assert.Equal(0, beforeExit);
        Assert.Equal("DELETED", gone.GetProperty("event").GetString());
        Assert.Equal(1, afterExit);
        Assert.Contains("NotFound", afterError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_grace_is_the_requests_else_the_pods_else_30_seconds_and_a_second_delete_may_shorten_it()
    {
        Pod("asked", grace: 20);
        Pod("own", grace: 45);
        Pod("default");
        var python = await PythonAsync();

        var asked = await python.CallAsync(new { op = "delete", resource = "pods", @namespace = Ns, name = "asked", grace_period_seconds = 5 });
        var own = await python.CallAsync(new { op = "delete", resource = "pods", @namespace = Ns, name = "own" });
        var byCSharp = await k8s.CoreV1OperationsExtensions.DeleteNamespacedPodAsync(Client().CoreV1, "default", Ns);
        var shortened = await python.CallAsync(new { op = "delete", resource = "pods", @namespace = Ns, name = "own", grace_period_seconds = 1 });
        var longer = await python.CallAsync(new { op = "delete", resource = "pods", @namespace = Ns, name = "asked", grace_period_seconds = 100 });

        Assert.Equal(5, asked.GetProperty("object").GetProperty("deletionGracePeriodSeconds").GetInt32());
        Assert.Equal("2025-03-01T12:00:05Z", asked.GetProperty("object").GetProperty("deletionTimestamp").GetString());
        Assert.Equal(45, own.GetProperty("object").GetProperty("deletionGracePeriodSeconds").GetInt32());
        Assert.Equal(30, byCSharp.Metadata.DeletionGracePeriodSeconds);
        Assert.Equal(new DateTime(2025, 3, 1, 12, 0, 30, DateTimeKind.Utc), byCSharp.Metadata.DeletionTimestamp);
        Assert.Equal(1, shortened.GetProperty("object").GetProperty("deletionGracePeriodSeconds").GetInt32());
        Assert.Equal(5, longer.GetProperty("object").GetProperty("deletionGracePeriodSeconds").GetInt32());

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Server.Store.Get("pods", Ns, "own"));
        Assert.NotNull(Server.Store.Get("pods", Ns, "asked"));
    }

    [Fact]
    public async Task The_kubelets_confirmation_ends_it_early_and_finished_or_unscheduled_pods_go_at_once()
    {
        Pod("running");
        Pod("done", "Succeeded");
        Pod("failed", "Failed");
        Pod("pending", "Pending", node: null);
        var python = await PythonAsync();
        await python.SendAsync(new { op = "watch", resource = "pods", @namespace = Ns, resource_version = V(Server.Store.CurrentVersion), timeout_seconds = 600 });
        await WaitForWatchAsync();

        await KubectlOkAsync("delete", "pod", "running", "done", "failed", "pending", "-n", Ns, "--wait=false");
        Assert.True(Server.ConfirmPodTermination(Ns, "running"));
        var events = await python.ReadWatchAsync(stop: e => e.GetProperty("event").GetString() == "DELETED" && e.GetProperty("name").GetString() == "running");

        Assert.Equal(["MODIFIED running", "DELETED done", "DELETED failed", "DELETED pending", "DELETED running"], events.Select(Describe));
        Assert.Empty(Server.Store.List("pods", Ns, ExecutionSentinel.FakeKube.LabelSelector.Everything).Items);
    }

    [Fact]
    public async Task Deleting_a_Job_in_the_background_deletes_it_now_and_its_pods_gracefully()
    {
        var job = Job("j");
        Pod("j-1", ownerUid: job.Uid);
        Pod("j-0", "Failed", ownerUid: job.Uid);
        Pod("unrelated");

        await KubectlOkAsync("delete", "job", "j", "-n", Ns, "--cascade=background", "--wait=false");

        Assert.Null(Server.Store.Get("jobs", Ns, "j"));
        Assert.Null(Server.Store.Get("pods", Ns, "j-0"));
        Assert.True(Server.Store.Get("pods", Ns, "j-1")!.IsTerminating);
        Assert.False(Server.Store.Get("pods", Ns, "unrelated")!.IsTerminating);
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(Server.Store.Get("pods", Ns, "j-1"));
    }

    [Fact]
    public async Task Deleting_a_Job_in_the_foreground_keeps_it_marked_until_its_pods_are_gone()
    {
        var job = Job("j");
        Pod("j-1", ownerUid: job.Uid);
        var python = await PythonAsync();

        var answer = await python.CallAsync(new { op = "delete", resource = "jobs", @namespace = Ns, name = "j", propagation_policy = "Foreground" });
        var marked = ParseJson(await KubectlOkAsync("get", "job", "j", "-n", Ns, "-o", "json")).GetProperty("metadata");
        var podTerminating = Server.Store.Get("pods", Ns, "j-1")!.IsTerminating;
        Server.ConfirmAllPodTerminations();

        Assert.True(answer.GetProperty("ok").GetBoolean());
        Assert.Equal("2025-03-01T12:00:00Z", marked.GetProperty("deletionTimestamp").GetString());
        Assert.Equal(["foregroundDeletion"], marked.GetProperty("finalizers").EnumerateArray().Select(f => f.GetString()));
        Assert.True(podTerminating);
        Assert.Null(Server.Store.Get("pods", Ns, "j-1"));
        Assert.Null(Server.Store.Get("jobs", Ns, "j"));
    }

    private static string Describe(JsonElement e) => $"{e.GetProperty("event").GetString()} {e.GetProperty("name").GetString()}";

    private static string V(long version) => version.ToString(CultureInfo.InvariantCulture);
}
