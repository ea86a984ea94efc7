using System.Text.Json;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// A label-selected watch as the watch cache serves it: an object whose labels stop matching is sent as DELETED (as it
/// was, at the change's version), one whose labels start matching as ADDED; live and when replayed from the history.
/// </summary>
public sealed class SelectorWatchTests : FakeServerTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Pod("in-1", labels: new Dictionary<string, string> { ["app"] = "demo" });
        Pod("in-2", labels: new Dictionary<string, string> { ["app"] = "demo" });
        Pod("out-1", labels: new Dictionary<string, string> { ["app"] = "other" });
    }

    [Fact]
    public async Task Live_the_Python_client_and_kubectl_see_DELETED_when_labels_stop_matching_and_ADDED_when_they_start()
    {
        var python = await PythonAsync();
        var list = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, label_selector = "app=demo" });
        await python.SendAsync(new
        {
            op = "watch", resource = "pods", @namespace = Ns, label_selector = "app=demo",
            resource_version = list.GetProperty("resourceVersion").GetString(), timeout_seconds = 300,
        });
        var kubectl = KubectlStart("get", "pods", "-n", Ns, "-l", "app=demo", "--watch-only", "--output-watch-events",
            "-o", "jsonpath={.type} {.object.metadata.name} {.object.metadata.labels.app}{\"\\n\"}");
        await WaitUntilAsync(() => Server.Store.Watches.Count(w => w.LabelSelector == "app=demo") == 2);

        var stopped = Change("in-1", p => p["metadata"]!["labels"]!["app"] = "other");
        Change("out-1", p => p["metadata"]!["labels"]!["app"] = "demo");
        Change("in-2", p => p["metadata"]!["labels"]!["tier"] = "web");
        Change("in-1", p => p["metadata"]!["labels"]!["tier"] = "web"); // No longer selected: nothing.
        var events = await python.ReadWatchAsync(stop: e => e.GetProperty("name").GetString() == "in-2");
        var printed = new List<string>();
        while (printed.Count < 3 && await ReadLineAsync(kubectl) is { } line)
        {
            printed.Add(line.Trim());
        }

        string[] expected = ["DELETED in-1 demo", "ADDED out-1 demo", "MODIFIED in-2 demo"];
        Assert.Equal(expected, events.Select(Describe));
        Assert.Equal(stopped.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), events[0].GetProperty("rv").GetString());
        Assert.Equal(expected, printed);
    }

    [Fact]
    public async Task Replayed_from_the_history_the_same_events_come()
    {
        var start = Server.Store.CurrentVersion;
        Change("in-1", p => p["metadata"]!["labels"]!["app"] = "other");
        Change("out-1", p => p["metadata"]!["labels"]!["app"] = "demo");
        var python = await PythonAsync();

        var first = await python.CallAsync(new
        {
            op = "watch", resource = "pods", @namespace = Ns, label_selector = "app=demo",
            resource_version = start.ToString(System.Globalization.CultureInfo.InvariantCulture), timeout_seconds = 300, max_events = 2,
        });
        var rest = await python.ReadWatchAsync();

        Assert.Equal(["DELETED in-1 demo", "ADDED out-1 demo"], new[] { first }.Concat(rest).Select(Describe));
    }

    private static string Describe(JsonElement e) =>
        $"{e.GetProperty("event").GetString()} {e.GetProperty("name").GetString()} {e.GetProperty("labels").GetProperty("app").GetString()}";
}
