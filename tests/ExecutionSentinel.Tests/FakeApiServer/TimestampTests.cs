using System.Text.Json;
using System.Text.RegularExpressions;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>Every <c>metav1.Time</c> the server writes is whole seconds, RFC 3339 in UTC with <c>Z</c>, as a real server writes it.</summary>
public sealed partial class TimestampTests : FakeServerTest
{
    private static readonly HashSet<string> TimeFields =
        ["creationTimestamp", "deletionTimestamp", "startTime", "completionTime", "lastTransitionTime", "startedAt", "finishedAt"];

    [Fact]
    public async Task Times_of_replayed_pods_and_Jobs_are_whole_seconds_for_kubectl_and_the_Python_client()
    {
        // A run that starts at a fraction of a second: every time the driver writes has one.
        Time.Advance(TimeSpan.FromMilliseconds(123.4567));
        var cluster = new SimulatedCluster(WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001"), Time, new SimulatedClusterOptions { ParallelSlots = 4 });
        var driver = new HyperFlowClusterDriver(Server, cluster, HyperFlowObjects.FromHyperFlowTemplate(Ns));
        for (var i = 0; i < 40; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(7.3));
            driver.Sync(Time.GetUtcNow());
        }

        var running = Server.Store.List("pods", Ns, LabelSelector.Parse("app=hyperflow,component!=hyperflow-engine"), FieldSelector.Everything).Items
            .First(p => (string?)p.Node["status"]?["phase"] == "Running");
        Server.DeletePod(Ns, running.Name);
        var python = await PythonAsync();

        var document = ParseJson(await KubectlOkAsync("get", "pods,jobs", "-n", Ns, "-o", "json"));
        var typed = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, typed = true, raw = true });
        var times = new List<(string Field, string Value)>();
        Collect(document, times);
        Collect(typed.GetProperty("raw"), times);

        Assert.Contains(times, t => t.Field == "deletionTimestamp");
        Assert.Contains(times, t => t.Field == "finishedAt");
        Assert.Contains(times, t => t.Field == "lastTransitionTime");
        Assert.All(times, t => Assert.Matches(WholeSeconds(), t.Value));
        Assert.All(typed.GetProperty("typed").EnumerateArray(), p => Assert.EndsWith("+00:00", p.GetProperty("creationTimestamp").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fraction_given_to_the_server_is_dropped()
    {
        Pod("a"); // Its startTime is given as 11:59:30.123456Z.

        var pod = ParseJson(await KubectlOkAsync("get", "pod", "a", "-n", Ns, "-o", "json"));

        Assert.Equal("2025-03-01T11:59:30Z", pod.GetProperty("status").GetProperty("startTime").GetString());
        Assert.Equal("2025-03-01T12:00:00Z", pod.GetProperty("metadata").GetProperty("creationTimestamp").GetString());
    }

    private static void Collect(JsonElement element, List<(string, string)> times)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (TimeFields.Contains(property.Name) && property.Value.ValueKind == JsonValueKind.String)
                    {
                        times.Add((property.Name, property.Value.GetString()!));
                    }
                    else
                    {
                        Collect(property.Value, times);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, times);
                }

                break;
        }
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")]
    private static partial Regex WholeSeconds();
}
