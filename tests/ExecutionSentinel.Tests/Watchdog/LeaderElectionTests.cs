using ExecutionSentinel.Watchdog;
using k8s.LeaderElection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// Leader election through KubernetesClient's LeaderElector with a substituted lock. The elector runs on wall-clock time
/// (it takes no TimeProvider), so this test uses short real durations and waits for outcomes with a deadline.
/// </summary>
public sealed class LeaderElectionTests
{
    [Fact]
    public async Task Only_the_leader_acts_and_a_follower_takes_over_when_it_goes()
    {
        var store = new LockStore();
        var a = new LeaseLeadership(Config(store, "replica-a"));
        await Leads(a);
        var b = new LeaseLeadership(Config(store, "replica-b"));
        var bLeads = Leads(b);
        await using (b)
        {
            var gateA = Gate(a);
            var gateB = Gate(b);

            Assert.Equal(InterventionOutcome.Executed, (await gateA.InterveneAsync(InterventionAction.TerminateTask, Target, CancellationToken.None)).Outcome);
            Assert.Equal(InterventionOutcome.RefusedNotLeader, (await gateB.InterveneAsync(InterventionAction.TerminateTask, Target, CancellationToken.None)).Outcome);

            await a.DisposeAsync();
            Assert.False(a.IsLeader); // Losing the lease stops actions at once.
            Assert.Equal(InterventionOutcome.RefusedNotLeader, (await gateA.InterveneAsync(InterventionAction.TerminateTask, Target, CancellationToken.None)).Outcome);

            await bLeads;
            Assert.Equal(InterventionOutcome.Executed, (await gateB.InterveneAsync(InterventionAction.TerminateTask, Target, CancellationToken.None)).Outcome);
            Assert.Equal("replica-b", store.Holder);
        }
    }

    private static readonly InterventionTarget Target = new("wf", "job-1", null, "test");

    private static InterventionGate Gate(ILeadership leadership)
    {
        var time = new FakeTimeProvider();
        var observed = new ObservedJobs(TimeSpan.FromMinutes(17), time);
        WatchdogTestKit.Watch(observed, "wf", ["task-1"], WatchdogTestKit.Task("task-1", "job-1", "uid-1"));
        return WatchdogTestKit.Gate(new AlwaysWorks(), leadership, new InterventionOptions { Mode = InterventionMode.Enabled, MaxPerHour = 100 }, time, observed);
    }

    private static LeaderElectionConfig Config(LockStore store, string identity) => new(new InMemoryLock(store, identity))
    {
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1),
        RetryPeriod = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Completes when the replica leads: awaits its leadership event (with a 30 s cap), never polls.</summary>
    private static Task Leads(LeaseLeadership leadership)
    {
        var leads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        leadership.LeadershipChanged += leading =>
        {
            if (leading)
            {
                leads.TrySetResult();
            }
        };
        if (leadership.IsLeader)
        {
            leads.TrySetResult();
        }

        return leads.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private sealed class LockStore
    {
        public object Sync { get; } = new();

        public LeaderElectionRecord? Record { get; set; }

        public string? Holder => Record?.HolderIdentity;
    }

    /// <summary>A Lease in memory: create only when free; update only by the holder, or by anyone once the lease expired.</summary>
    private sealed class InMemoryLock(LockStore store, string identity) : ILock
    {
        public string Identity => identity;

        public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
        {
            lock (store.Sync)
            {
                return Task.FromResult(store.Record!);
            }
        }

        public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
        {
            lock (store.Sync)
            {
                if (store.Record is not null)
                {
                    return Task.FromResult(false);
                }

                store.Record = record;
                return Task.FromResult(true);
            }
        }

        public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
        {
            lock (store.Sync)
            {
                var current = store.Record;
                var expired = current?.RenewTime is not { } renewed || renewed + TimeSpan.FromSeconds(current.LeaseDurationSeconds) < DateTime.UtcNow;
                if (current is not null && current.HolderIdentity != record.HolderIdentity && !expired)
                {
                    return Task.FromResult(false);
                }

                store.Record = record;
                return Task.FromResult(true);
            }
        }

        public string Describe() => "in-memory lease";
    }

    private sealed class AlwaysWorks : IClusterActuator
    {
        public async ValueTask<InterventionOutcome> TerminateJobAsync(JobIdentity target, WriteAdmission admission, CancellationToken cancellationToken) =>
            await admission.AdmitAsync(cancellationToken) ?? InterventionOutcome.Executed;
    }
}
