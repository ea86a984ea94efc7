using System.Text.Json;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// The real kubectl against the fake API server: if kubectl is satisfied, the server speaks Kubernetes, not only our
/// own assumptions about it.
/// </summary>
public sealed class KubectlFidelityTests : IAsyncLifetime
{
    private FakeKubeApiServer _server = null!;
    private Kubectl _kubectl = null!;
    private HyperFlowClusterDriver _driver = null!;
    private FakeTimeProvider _time = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeKubeApiServer.StartAsync();
        _kubectl = new Kubectl(_server.Address);
        _time = new FakeTimeProvider(SentinelHarness.Epoch);
        var cluster = new SimulatedCluster(WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001"), _time, new SimulatedClusterOptions { ParallelSlots = 4 });
        _driver = new HyperFlowClusterDriver(_server, cluster, HyperFlowObjects.FromHyperFlowTemplate("wf-1000genome"));
        _time.Advance(TimeSpan.FromSeconds(30));
        _driver.Sync(_time.GetUtcNow());
    }

    public async Task DisposeAsync()
    {
        _kubectl.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Get_pods_and_jobs_as_json_matches_what_the_server_holds()
    {
        var (exit, stdout, stderr) = await _kubectl.RunAsync("get", "pods,jobs", "-n", _driver.Namespace, "-o", "json");

        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        var items = document.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => (Kind: i.GetProperty("kind").GetString(), Name: i.GetProperty("metadata").GetProperty("name").GetString(),
                Version: i.GetProperty("metadata").GetProperty("resourceVersion").GetString()))
            .ToList();
        var expected = _server.Store.List("pods", _driver.Namespace, LabelSelector.Everything).Items.Select(o => ("Pod", o.Name, o.ResourceVersion))
            .Concat(_server.Store.List("jobs", _driver.Namespace, LabelSelector.Everything).Items.Select(o => ("Job", o.Name, o.ResourceVersion)))
            .Select(e => (Kind: (string?)e.Item1, Name: (string?)e.Name, Version: (string?)e.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.True(expected.Count > 5, "the driver should have created the engine pod and several task Jobs and pods");
        Assert.Equal(expected.OrderBy(e => e.Name), items.OrderBy(e => e.Name));
    }

    [Fact]
    public async Task Get_with_a_label_selector_selects_task_pods_only()
    {
        var (exit, stdout, stderr) = await _kubectl.RunAsync("get", "pods", "-n", _driver.Namespace, "-l", "app=hyperflow,component!=hyperflow-engine", "-o", "name");

        Assert.True(exit == 0, stderr);
        var names = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(names);
        Assert.DoesNotContain(names, n => n.Contains(_driver.EnginePodName, StringComparison.Ordinal));
        Assert.All(names, n => Assert.StartsWith("pod/job", n, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_pods_watch_sees_a_change()
    {
        using var watch = _kubectl.Start("get", "pods", "-n", _driver.Namespace, "--watch");
        var seen = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var header = await watch.StandardOutput.ReadLineAsync(deadline.Token);
        Assert.NotNull(header);
        Assert.Contains("NAME", header, StringComparison.Ordinal);

        // Let time pass until a new task's pod appears, then expect kubectl to print it.
        var before = _server.Store.List("pods", _driver.Namespace, LabelSelector.Everything).Items.Select(p => p.Name).ToHashSet();
        string? added = null;
        while (added is null)
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            _driver.Sync(_time.GetUtcNow());
            added = _server.Store.List("pods", _driver.Namespace, LabelSelector.Everything).Items.Select(p => p.Name).FirstOrDefault(n => !before.Contains(n));
        }

        while (await watch.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            seen.Add(line);
            if (line.StartsWith(added, StringComparison.Ordinal))
            {
                break;
            }
        }

        watch.Kill();
        Assert.Contains(seen, l => l.StartsWith(added, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exec_cat_prints_the_engine_signal_and_fails_while_there_is_none()
    {
        var command = new[] { "exec", _driver.EnginePodName, "-n", _driver.Namespace, "-c", "hyperflow", "--", "cat", HyperFlowClusterDriver.SignalFile };
        var (missingExit, _, missingError) = await _kubectl.RunAsync(command);
        Assert.Equal(1, missingExit);
        Assert.Contains("No such file or directory", missingError, StringComparison.Ordinal);

        _server.WriteFile(_driver.Namespace, _driver.EnginePodName, "hyperflow", HyperFlowClusterDriver.SignalFile, "0\n");
        var (exit, stdout, stderr) = await _kubectl.RunAsync(command);

        Assert.True(exit == 0, stderr);
        Assert.Equal("0", stdout.Trim());
    }

    [Fact]
    public async Task Delete_a_job_with_background_propagation_deletes_its_pods_gracefully()
    {
        var job = _server.Store.List("jobs", _driver.Namespace, LabelSelector.Everything).Items[0];

        var (exit, _, stderr) = await _kubectl.RunAsync("delete", "job", job.Name, "-n", _driver.Namespace, "--cascade=background", "--wait=false");

        Assert.True(exit == 0, stderr);
        Assert.Null(_server.Store.Get("jobs", _driver.Namespace, job.Name));

        // Its running pods are terminating (their grace period), the others gone; when the kubelet confirms, all are gone.
        Assert.All(_server.Store.List("pods", _driver.Namespace, LabelSelector.Parse("job-name=" + job.Name)).Items, p => Assert.True(p.IsTerminating, p.Name));
        _server.ConfirmAllPodTerminations();
        var (listExit, left, listError) = await _kubectl.RunAsync("get", "pods", "-n", _driver.Namespace, "-l", "job-name=" + job.Name, "-o", "name");
        Assert.True(listExit == 0, listError);
        Assert.Equal("", left.Trim());
    }
}
