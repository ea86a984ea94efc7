using System.Globalization;
using System.Text.Json.Nodes;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Support;

/// <summary>
/// The sentinel as a conductor embeds it, with the real Kubernetes probe and the real KubernetesClient talking HTTP
/// to the fake API server, while a driver replays a real trace there. Time is fake and moves one second per step;
/// between steps the harness waits (in real time, bounded) until no request is in flight and the probe's watches
/// have caught up with the server, so a step never races the HTTP it causes.
/// </summary>
internal sealed class KubeHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<(TimeSpan At, Action<KubeHarness> Action)> _actions = [];
    private readonly ChangeSignal _informers = new();

    private KubeHarness(FakeKubeApiServer server, FakeTimeProvider time, SimulatedCluster cluster, ServiceProvider services, string? workflowNamespace)
    {
        Server = server;
        Time = time;
        Cluster = cluster;
        _services = services;
        Driver = new HyperFlowClusterDriver(server, cluster, HyperFlowObjects.FromHyperFlowTemplate(workflowNamespace ?? "wf-" + Guid.NewGuid().ToString("N")[..8]))
        {
            BookmarkInterval = null, // The server sends them itself, once a minute of the same fake clock.
        };
        Sentinel = services.GetRequiredService<ISentinel>();
        Probe = (KubernetesClusterProbe)services.GetRequiredService<IClusterProbe>();
        Probe.InformerProgressed = _informers.Pulse;
        Services = services;
    }

    public FakeKubeApiServer Server { get; }

    public FakeTimeProvider Time { get; }

    public SimulatedCluster Cluster { get; }

    public HyperFlowClusterDriver Driver { get; }

    public ISentinel Sentinel { get; }

    public KubernetesClusterProbe Probe { get; }

    public IServiceProvider Services { get; }

    /// <summary>The largest count of watch restarts and relists any session had, read while the watch ran.</summary>
    public (long WatchRestarts, long Relists, long Events) Counters { get; private set; }

    public static async Task<KubeHarness> StartAsync(
        WorkflowTrace trace,
        Action<SimulatedClusterOptions>? cluster = null,
        Action<SentinelOptions>? sentinel = null,
        Action<KubernetesProbeOptions>? probe = null,
        Action<ISentinelBuilder>? builder = null,
        Grant[]? grants = null,
        string? workflowNamespace = null,
        (string Namespace, string Name)? serviceAccount = null)
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var server = await FakeKubeApiServer.StartAsync(time); // One clock: grace periods, bookmarks and history age move with the run.
        var configuration = server.ClientConfiguration;
        if (grants is not null)
        {
            // The sentinel runs as a service account with only these grants, as RBAC would give it.
            configuration = server.ClientConfigurationFor(server.Auth.AddServiceAccount("conductor", "sentinel", grants));
        }
        else if (serviceAccount is var (accountNamespace, accountName))
        {
            // The sentinel runs with this service account's token: it may do what the RBAC objects stored in the server
            // (applied with kubectl before the run) bind to it, and nothing while the ServiceAccount does not exist.
            configuration = server.ClientConfigurationFor(server.Auth.IssueServiceAccountToken(accountNamespace, accountName));
        }

        var clusterOptions = new SimulatedClusterOptions { ParallelSlots = 8 };
        cluster?.Invoke(clusterOptions);
        var simulated = new SimulatedCluster(trace, time, clusterOptions);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(configuration); // For a test that wraps the client's handler (same server, same credentials).
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(configuration));
        var sentinelBuilder = services.AddExecutionSentinel(o =>
            {
                o.WatchTimeout = TimeSpan.FromHours(6);
                sentinel?.Invoke(o);
            })
            .UseKubernetes(o =>
            {
                // Generous per-attempt timeouts: fake time moves while real HTTP is under way.
                o.RequestTimeout = TimeSpan.FromMinutes(2);
                probe?.Invoke(o);
            });
        builder?.Invoke(sentinelBuilder);
        return new KubeHarness(server, time, simulated, services.BuildServiceProvider(validateScopes: true), workflowNamespace);
    }

    /// <summary>
    /// What makes a real server answer the informers' next watch with 410 Gone: the history has been compacted past the
    /// versions they last saw. Something they do not follow changes (a ConfigMap, as in any busy namespace), the history
    /// is compacted through that change, and every watch ends (as at an API server restart), so each informer re-watches
    /// from a version older than the oldest kept. (A compaction alone does not do it: a watch from the current version is
    /// always accepted.)
    /// </summary>
    public void CompactPastTheWatches()
    {
        Server.Store.Upsert("configmaps", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "unrelated", ["namespace"] = Driver.Namespace },
            ["data"] = new JsonObject { ["at"] = Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) },
        });
        Server.Store.Compact();
        Server.Store.CloseAllWatches();
    }

    public MonitoringContext Context(ExpectedDurationSource expected = ExpectedDurationSource.SameRunTypeMedian) => Driver.CreateContext(expected);

    /// <summary>Does something to the server when the replay reaches <paramref name="at"/>.</summary>
    public KubeHarness At(TimeSpan at, Action<KubeHarness> action)
    {
        _actions.Add((at, action));
        return this;
    }

    public async Task<List<SentinelReport>> RunAsync(MonitoringContext? context = null)
    {
        Driver.Sync(Time.GetUtcNow());
        var reports = new List<SentinelReport>();
        var enumerator = Sentinel.WatchAsync(context ?? Context()).GetAsyncEnumerator();
        await using (enumerator)
        {
            var steps = 0;
            while (true)
            {
                var move = enumerator.MoveNextAsync().AsTask();
                while (!move.IsCompleted)
                {
                    await SettleAsync(move);
                    if (move.IsCompleted)
                    {
                        break;
                    }

                    if (++steps > 200_000)
                    {
                        throw new TimeoutException("The watch did not end within 200,000 simulated seconds.");
                    }

                    Time.Advance(TimeSpan.FromSeconds(1));

                    var now = Time.GetUtcNow();
                    Driver.Sync(now);
                    foreach (var (at, action) in _actions.Where(a => Cluster.StartedAt + a.At <= now).ToList())
                    {
                        action(this);
                        _actions.Remove((at, action));
                    }

                    ReadCounters();

                    // The one real wait left: a request the step has just caused may still be in the socket, where neither
                    // the server's in-flight count nor any signal can see it yet. 1 ms of real time lets it arrive before
                    // fake time moves on; without it, fake time outruns the HTTP it causes (tried: replays then fail).
                    await Task.Delay(1);
                }

                if (!await move)
                {
                    return reports;
                }

                reports.Add(enumerator.Current);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Server.DisposeAsync();
    }

    private void ReadCounters()
    {
        lock (Probe.Sessions)
        {
            foreach (var session in Probe.Sessions)
            {
                var restarts = session.Pods.Health.WatchRestarts + session.Jobs.Health.WatchRestarts;
                var relists = session.Pods.Health.Relists + session.Jobs.Health.Relists;
                var events = session.Pods.Health.EventsReceived + session.Jobs.Health.EventsReceived;
                Counters = (Math.Max(Counters.WatchRestarts, restarts), Math.Max(Counters.Relists, relists), Math.Max(Counters.Events, events));
            }
        }
    }

    /// <summary>
    /// Waits, in real time and at most 3 s, until no request is in flight and the watches have caught up with the server:
    /// it re-checks whenever the server answers or sends something, or an informer moves on, never on a timer.
    /// </summary>
    private async Task SettleAsync(Task move)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (true)
        {
            // Take the signals before checking, so that a change between the check and the wait is not missed.
            var change = Task.WhenAny(move, Server.Changed.Next, _informers.Next);
            if (move.IsCompleted || (Server.InFlight == 0 && CaughtUp()))
            {
                return;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return; // Nothing moved for 3 s: let fake time go on (a hung request waits for its timeout).
            }

            try
            {
                await change.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Whether every informer has taken in all its open watch has been given: the server knows, per watch, the version of
    /// the last event or bookmark it queued (changes the watch's selector does not want move the store's version, not
    /// the watch's), so an informer that has reached it has nothing more coming.
    /// </summary>
    private bool CaughtUp()
    {
        if (Server.Faults.Outage is not null)
        {
            return true;
        }

        var watches = Server.Store.Watches;
        lock (Probe.Sessions)
        {
            return Probe.Sessions.All(s => s.IsPolling
                || (Reached(s.Pods.Health.ResourceVersion, "pods", watches) && Reached(s.Jobs.Health.ResourceVersion, "jobs", watches)));
        }
    }

    private bool Reached(string? resourceVersion, string resource, IReadOnlyList<WatchState> watches)
    {
        // A watch that is not connected (an outage, a stalled stream, a relist under way) has nothing to catch up on.
        var live = watches.Where(w => w.Resource == resource && w.Namespace == Driver.Namespace && !w.Stalled).ToList();
        return live.Count == 0 || AtLeast(resourceVersion, live.Max(w => w.Wanted));
    }

    private static bool AtLeast(string? resourceVersion, long version) =>
        long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var seen) && seen >= version;
}
