using System.Reflection;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Tests.Detection;

/// <summary>What a detector plug-in may rely on: its own view, its own state, its faults contained, its say over the watch.</summary>
public sealed class DetectorContractTests
{
    private static readonly WorkflowTrace Trace = WorkflowTrace.LoadBundled();
    private static readonly ReportKind Seen = new("type-seen");
    private static readonly ReportKind Enough = new("enough");

    [Fact]
    public void No_detector_can_change_what_the_next_one_sees()
    {
        var setters = typeof(DetectionContext)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => p.Name);

        Assert.Empty(setters);
        Assert.DoesNotContain(typeof(DetectionContext).GetConstructors(), c => c.IsPublic);
    }

    [Fact]
    public async Task Two_detectors_asking_for_the_same_state_type_each_get_their_own()
    {
        using var harness = new SentinelHarness(Trace, builder: b => b.AddDetector(new TypeSeenDetector("first")).AddDetector(new TypeSeenDetector("second")));

        var reports = await harness.RunAsync();

        var types = Trace.Tasks.Select(t => t.Category).Distinct().Order().ToList();
        Assert.Equal(types, reports.Where(r => r.Source == "first").Select(r => r.TaskType).Order());
        Assert.Equal(types, reports.Where(r => r.Source == "second").Select(r => r.TaskType).Order());
    }

    [Fact]
    public async Task A_detector_whose_message_varies_is_reported_once_per_exception_type()
    {
        using var harness = new SentinelHarness(Trace, builder: b => b.AddDetector<FlakyDetector>());

        var reports = await harness.RunAsync();

        var faults = reports.Where(r => r.Kind == ReportKind.DetectorFault).ToList();
        Assert.Equal(2, faults.Count);
        Assert.Equal([typeof(InvalidOperationException).FullName, typeof(TimeoutException).FullName], faults.Select(f => f.Details["exception"]));
        Assert.All(faults, f => Assert.StartsWith("failed at ", f.Details["error"], StringComparison.Ordinal));
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
    }

    [Fact]
    public async Task A_report_that_ends_the_watch_ends_it_as_failed_and_is_named_in_the_summary()
    {
        using var harness = new SentinelHarness(Trace, builder: b => b.AddDetector<EnoughDetector>());

        var reports = await harness.RunAsync();

        var enough = Assert.Single(reports, r => r.Kind == Enough);
        var end = reports[^1];
        Assert.Same(enough, reports[^2]);
        Assert.Equal(ReportKind.Failed, end.Kind);
        Assert.Equal(WatchOutcome.Failed, end.Summary!.Outcome);
        Assert.Equal(Enough, end.Summary.EndedBy);
        Assert.Contains("enough", end.Message, StringComparison.Ordinal);
        Assert.True(end.Summary.CompletedTasks >= 10);
        Assert.True(end.Summary.CompletedTasks < Trace.Tasks.Count); // It ended the watch, not the engine.
    }

    [Fact]
    public async Task A_detector_that_asks_to_be_woken_is_called_then_not_a_poll_interval_later()
    {
        var detector = new AlarmDetector(TimeSpan.FromSeconds(3));
        using var harness = new SentinelHarness(Trace, sentinel: o => o.PollInterval = TimeSpan.FromSeconds(10), builder: b => b.AddDetector(detector));

        await harness.RunAsync();

        var start = detector.Calls[0];
        Assert.Equal(start + TimeSpan.FromSeconds(3), detector.Calls[1]);
        Assert.Equal(start + TimeSpan.FromSeconds(13), detector.Calls[2]); // Then the poll interval again, from that tick.
    }

    [Fact]
    public void An_episode_is_reported_once_until_it_clears()
    {
        var bench = new DetectorBench(new TypeSeenDetector("x"), DetectorBench.Context(DetectorBench.Spec("a", "t")));
        var episodes = bench.Detection.Episodes;

        Assert.True(episodes.Begin("a"));
        Assert.False(episodes.Begin("a"));
        Assert.True(episodes.IsOpen("a"));
        Assert.True(episodes.Begin("b"));
        Assert.Equal(1, episodes.EndAllExcept(new HashSet<string> { "b" }));
        Assert.False(episodes.IsOpen("a"));
        Assert.True(episodes.Begin("a")); // Cleared, so a new occurrence.
        Assert.True(episodes.End("b"));
        Assert.False(episodes.End("b"));
    }

    /// <summary>Reports each task type once, keeping what it has said in a state type anyone could pick.</summary>
    private sealed class TypeSeenDetector(string name) : IAnomalyDetector
    {
        public string Name => name;

        public IEnumerable<SentinelReport> Detect(DetectionContext context)
        {
            var said = context.GetState<HashSet<string>>();
            foreach (var change in context.Changes)
            {
                if (said.Add(change.Current.TaskType))
                {
                    yield return context.Report(Seen, ReportSeverity.Info, "seen", identity: change.Current.TaskType) with { TaskType = change.Current.TaskType };
                }
            }
        }
    }

    /// <summary>Throws at every tick with a message holding the time: first one exception type, then, past 10 completed tasks, another.</summary>
    private sealed class FlakyDetector : IAnomalyDetector
    {
        public string Name => "flaky";

        public IEnumerable<SentinelReport> Detect(DetectionContext context)
        {
            var message = $"failed at {context.Now:O}";
            throw context.Progress.Completed > 10 ? new TimeoutException(message) : new InvalidOperationException(message);
        }
    }

    private sealed class EnoughDetector : IAnomalyDetector
    {
        public string Name => "enough";

        public IEnumerable<SentinelReport> Detect(DetectionContext context)
        {
            if (context.Progress.Completed >= 10 && context.Episodes.Begin("enough"))
            {
                yield return context.Report(Enough, ReportSeverity.Critical, "ten tasks are enough") with { EndsWatch = true };
            }
        }
    }

    private sealed class AlarmDetector(TimeSpan after) : IAnomalyDetector
    {
        public List<DateTimeOffset> Calls { get; } = [];

        public string Name => "alarm";

        public IEnumerable<SentinelReport> Detect(DetectionContext context)
        {
            Calls.Add(context.Now);
            if (Calls.Count == 1)
            {
                context.WakeAt(context.Now + after);
            }

            return [];
        }
    }
}
