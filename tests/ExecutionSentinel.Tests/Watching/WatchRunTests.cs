using ExecutionSentinel.Checkpoints;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watching;
using Microsoft.Extensions.Logging.Abstractions;
using static ExecutionSentinel.Testing.DetectorBench;

namespace ExecutionSentinel.Tests.Watching;

/// <summary>One watch's run, tick by tick, without the loop: when it ends, how, and what a resumed run stays quiet about.</summary>
public sealed class WatchRunTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly ReportKind Said = new("said");

    [Fact]
    public void The_engines_signal_with_every_task_finished_ends_the_run_completed_with_every_task_counted()
    {
        var run = Run();

        Assert.DoesNotContain(run.Tick(Observe(TaskPhase.Running), null, T0.AddSeconds(10)), r => r.IsTerminal);
        var end = run.Tick(Observe(TaskPhase.Succeeded, EngineSignal.FromExitCode(0)), null, T0.AddSeconds(20))[^1];

        Assert.Equal(ReportKind.Completed, end.Kind);
        Assert.Equal(2, end.Summary!.CompletedTasks);
        Assert.Equal(TimeSpan.FromSeconds(20), end.Summary.Duration);
    }

    [Fact]
    public void A_signal_while_a_task_is_still_shown_running_waits_for_it_then_names_it_unknown_after_the_grace()
    {
        var run = Run();
        var running = new ClusterObservation { Tasks = [Task("a", "x", TaskPhase.Succeeded, T0), Task("b", "x", TaskPhase.Running, T0)], EngineSignal = EngineSignal.FromExitCode(0) };

        Assert.DoesNotContain(run.Tick(running, null, T0.AddSeconds(10)), r => r.IsTerminal);
        var end = run.Tick(running, null, T0.AddSeconds(41))[^1]; // CompletionGrace (30 s) passed

        Assert.Equal(["b"], end.Summary!.UnknownTaskNames);
        Assert.Equal(1, end.Summary.CompletedTasks);
    }

    [Fact]
    public void A_report_marked_to_end_the_watch_ends_it_failed_after_that_report()
    {
        var run = Run(new Ender());

        var reports = run.Tick(Observe(TaskPhase.Running), null, T0.AddSeconds(10));

        Assert.Equal(Said, reports[^2].Kind);
        Assert.Equal(ReportKind.Failed, reports[^1].Kind);
        Assert.Equal(Said, reports[^1].Summary!.EndedBy);
    }

    [Fact]
    public void A_resumed_run_stays_quiet_about_what_the_checkpoint_says_was_said_and_only_that()
    {
        var first = Run(new Sayer("a"));
        first.MakeResumable(checkpoint: null); // With checkpoints on, a run records what its consumer took.
        var said = first.Tick(Observe(TaskPhase.Running), null, T0.AddSeconds(10)).Single(r => r.Kind == Said);
        first.MarkTaken(said);

        var resumed = Run(new Sayer("a", "b"));
        resumed.MakeResumable(new WatchCheckpoint { Reported = [.. first.Reported], SavedAt = T0.AddSeconds(10) });
        var reports = resumed.Tick(Observe(TaskPhase.Running), null, T0.AddSeconds(20));

        Assert.Equal(["b"], reports.Where(r => r.Kind == Said).Select(r => r.Identity)); // "a" was said; "b" is new
    }

    [Fact]
    public void Failed_observations_are_counted_and_the_timeout_ends_the_run_timed_out()
    {
        var run = Run();

        run.Tick(null, "connection refused", T0.AddSeconds(10));
        run.Tick(null, "connection refused", T0.AddSeconds(20));

        Assert.Equal(2, run.ConsecutiveFailures);
        var end = run.TimeOut(T0.AddHours(1));
        Assert.Equal(ReportKind.TimedOut, end.Kind);
        Assert.Equal(WatchOutcome.TimedOut, end.Summary!.Outcome);
    }

    private static WatchRun Run(params IAnomalyDetector[] detectors) =>
        new(Context(Spec("a", "x"), Spec("b", "x")), new SentinelOptions(), detectors, T0, NullLogger.Instance);

    private static ClusterObservation Observe(TaskPhase phase, EngineSignal? signal = null) =>
        new() { Tasks = [Task("a", "x", phase, T0), Task("b", "x", phase, T0)], EngineSignal = signal };

    private sealed class Ender : IAnomalyDetector
    {
        public string Name => "ender";

        public IEnumerable<SentinelReport> Detect(DetectionContext context)
        {
            yield return context.Report(Said, ReportSeverity.Critical, "enough") with { EndsWatch = true };
        }
    }

    /// <summary>Says each of its keys once per watch.</summary>
    private sealed class Sayer(params string[] keys) : IAnomalyDetector
    {
        public string Name => "sayer";

        public IEnumerable<SentinelReport> Detect(DetectionContext context)
        {
            foreach (var key in keys)
            {
                if (context.Episodes.Begin(key))
                {
                    yield return context.Report(Said, ReportSeverity.Info, key, identity: key);
                }
            }
        }
    }
}
