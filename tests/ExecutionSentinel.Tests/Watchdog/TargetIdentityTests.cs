using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Watchdog;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// Issue item 1, over HTTP against the fake API server: a name from a report or from the application's ledger never
/// addresses another object. Names are checked as Kubernetes names before any request.
/// </summary>
public sealed class TargetIdentityTests : IAsyncLifetime
{
    /// <summary>Every kind of name that must never reach a URL: a slash, a dot segment, an escaped slash, uppercase, too long, a newline.</summary>
    public static readonly TheoryData<string> HostileNames =
    [
        "../../other-team/jobs/victim",
        "a/b",
        "..",
        "%2F",
        "jobabc-Individuals-1-1",
        new string('a', 300),
        "job\n",
    ];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private FakeKubeApiServer _server = null!;
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        _server = await FakeKubeApiServer.StartAsync();
        _server.Store.Upsert("jobs", HyperFlowObjects.ToNode(Job("other-team", "victim")));
        _server.Store.Upsert("jobs", HyperFlowObjects.ToNode(Job("wf", "jobabc-individuals-1-1")));
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_Job_name_climbing_into_another_namespace_is_refused_before_any_request()
    {
        var gate = Services().GetRequiredService<InterventionGate>();

        var (outcome, _) = await gate.InterveneAsync(
            InterventionAction.TerminateTask, new InterventionTarget("wf", "../../other-team/jobs/victim", null, "test"), CancellationToken.None);

        Assert.NotEqual(InterventionOutcome.Executed, outcome);
        Assert.NotNull(_server.Store.Get("jobs", "other-team", "victim"));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_ledger_name_climbing_into_another_namespace_is_never_read_nor_acted_on()
    {
        var ledger = new MemoryLedger();
        ledger.Add("e1", "wf", "../../other-team/jobs/victim", _time.GetUtcNow() - TimeSpan.FromHours(3), timeout: TimeSpan.FromMinutes(1));
        var reconciler = Services(ledger).GetRequiredService<Reconciler>();

        var cycle = await reconciler.RunCycleAsync();

        Assert.Equal(1, cycle.Skipped);
        Assert.Empty(ledger.Failed);
        Assert.NotNull(_server.Store.Get("jobs", "other-team", "victim"));
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task A_hostile_Job_name_or_namespace_never_reaches_a_URL_from_the_gate(string hostile)
    {
        var gate = Services().GetRequiredService<InterventionGate>();

        var byName = await gate.InterveneAsync(InterventionAction.TerminateTask, new InterventionTarget("wf", hostile, null, "test"), CancellationToken.None);
        var byNamespace = await gate.InterveneAsync(
            InterventionAction.TerminateTask, new InterventionTarget(hostile, "jobabc-individuals-1-1", null, "test"), CancellationToken.None);
        var workflow = await gate.InterveneAsync(InterventionAction.TerminateWorkflow, new InterventionTarget(hostile, null, null, "test"), CancellationToken.None);

        Assert.All([byName.Outcome, byNamespace.Outcome, workflow.Outcome], o => Assert.NotEqual(InterventionOutcome.Executed, o));
        Assert.Empty(_server.Requests);
        Assert.Equal(2, _server.Store.List("jobs", null, LabelSelector.Everything).Items.Count);
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task A_hostile_ledger_Job_name_or_namespace_never_reaches_a_URL_from_the_reconciler(string hostile)
    {
        var ledger = new MemoryLedger();
        var old = _time.GetUtcNow() - TimeSpan.FromHours(3);
        ledger.Add("by-name", "wf", hostile, old, timeout: TimeSpan.FromMinutes(1));
        ledger.Add("by-namespace", hostile, "jobabc-individuals-1-1", old, timeout: TimeSpan.FromMinutes(1));
        var reconciler = Services(ledger).GetRequiredService<Reconciler>();

        var cycle = await reconciler.RunCycleAsync();

        Assert.Equal(2, cycle.Skipped);
        Assert.Empty(ledger.Failed);
        Assert.Empty(_server.Requests);
    }

    internal static V1Job Job(string ns, string name, string app = "hyperflow") => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] } } },
        Status = new V1JobStatus { Active = 1 },
    };

    private ServiceProvider Services(MemoryLedger? ledger = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(_server.ClientConfiguration));
        if (ledger is not null)
        {
            services.AddSingleton<IExecutionLedger>(ledger);
        }

        services.AddExecutionSentinel().AddWatchdog(o =>
        {
            o.Mode = InterventionMode.Enabled;
            o.MaxPerHour = 100;
        }).UseCheckpoints(new MemoryCheckpointStore());
        _services = services.BuildServiceProvider();
        return _services;
    }
}
