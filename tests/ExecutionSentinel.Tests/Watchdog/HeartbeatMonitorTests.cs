using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>The 17 scenarios of the seed heartbeat monitor's tests (timeout 2 s there), on fake time instead of sleeps.</summary>
public sealed class HeartbeatMonitorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly List<RunnerStatus> _handled = [];

    [Fact]
    public void A_registered_runner_is_running_with_a_heartbeat_now()
    {
        var monitor = Monitor();
        monitor.Register(Runner("r1"));

        var status = monitor.GetStatus("r1")!;
        Assert.Equal(RunnerState.Running, status.State);
        Assert.Equal(_time.GetUtcNow(), status.LastHeartbeat);
    }

    [Fact]
    public void A_removed_runner_is_gone_and_removing_an_unknown_one_is_harmless()
    {
        var monitor = Monitor();
        monitor.Register(Runner("r1"));

        Assert.True(monitor.Remove("r1"));
        Assert.Null(monitor.GetStatus("r1"));
        Assert.False(monitor.Remove("nobody"));
    }

    [Fact]
    public void A_heartbeat_moves_the_timestamp_and_an_unknown_one_is_harmless()
    {
        var monitor = Monitor();
        monitor.Register(Runner("r1"));
        var first = monitor.GetStatus("r1")!.LastHeartbeat;
        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.True(monitor.Beat("r1"));
        Assert.True(monitor.GetStatus("r1")!.LastHeartbeat > first);
        Assert.False(monitor.Beat("nobody"));
    }

    [Fact]
    public async Task A_check_before_the_timeout_leaves_the_runner_running()
    {
        var monitor = Monitor();
        monitor.Register(Runner("r1"));

        Assert.Empty(await monitor.CheckAsync());
        Assert.Equal(RunnerState.Running, monitor.GetStatus("r1")!.State);
    }

    [Fact]
    public async Task No_beat_for_longer_than_the_timeout_fails_the_runner_and_calls_the_handler_once_with_it()
    {
        var monitor = Monitor();
        monitor.Register(Runner("r1", task: "sifting-0"));
        _time.Advance(TimeSpan.FromSeconds(2.5));

        var reports = await monitor.CheckAsync();
        var again = await monitor.CheckAsync();

        Assert.Equal(RunnerState.Failed, monitor.GetStatus("r1")!.State);
        var handled = Assert.Single(_handled);
        Assert.Equal("r1", handled.Runner.Id);
        var report = Assert.Single(reports);
        Assert.Equal(WatchdogReportKinds.RunnerTimedOut, report.Kind);
        Assert.Equal("sifting-0", report.TaskName);
        Assert.Empty(again);
    }

    [Fact]
    public async Task A_beat_before_the_timeout_keeps_the_runner_running()
    {
        var monitor = Monitor();
        monitor.Register(Runner("r1"));
        _time.Advance(TimeSpan.FromSeconds(1.5));
        monitor.Beat("r1");
        _time.Advance(TimeSpan.FromSeconds(1.5));

        Assert.Empty(await monitor.CheckAsync());
        Assert.Equal(RunnerState.Running, monitor.GetStatus("r1")!.State);
    }

    [Fact]
    public async Task The_timeout_is_strict_exactly_the_timeout_is_not_late()
    {
        var monitor = Monitor();
        monitor.Register(Runner("r1"));
        _time.Advance(Timeout);

        Assert.Empty(await monitor.CheckAsync());
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Single(await monitor.CheckAsync());
    }

    [Fact]
    public void The_status_of_an_unknown_runner_is_null_and_of_a_known_one_its_info()
    {
        var monitor = Monitor();
        var runner = Runner("r1", task: "t");
        monitor.Register(runner);

        Assert.Null(monitor.GetStatus("nobody"));
        Assert.Equal(runner, monitor.GetStatus("r1")!.Runner);
    }

    [Fact]
    public void All_runners_are_listed()
    {
        var monitor = Monitor();
        Assert.Empty(monitor.GetAll());

        monitor.Register(Runner("r1"));
        monitor.Register(Runner("r2"));

        Assert.Equal(["r1", "r2"], monitor.GetAll().Select(r => r.Runner.Id).Order());
    }

    [Fact]
    public void The_running_count_follows_completions_and_failures()
    {
        var monitor = Monitor();
        monitor.Register(Runner("r1"));
        monitor.Register(Runner("r2"));
        Assert.Equal(2, monitor.CountRunning());

        monitor.MarkCompleted("r1");
        Assert.Equal(1, monitor.CountRunning());

        monitor.MarkFailed("r2");
        Assert.Equal(0, monitor.CountRunning());
    }

    [Fact]
    public void Setting_the_state_changes_every_view_of_the_runner_and_an_unknown_one_is_harmless()
    {
        var monitor = Monitor();
        monitor.Register(Runner("r1"));

        Assert.True(monitor.SetState("r1", RunnerState.Completed));

        Assert.Equal(RunnerState.Completed, monitor.GetStatus("r1")!.State);
        Assert.Equal(RunnerState.Completed, monitor.GetAll().Single().State);
        Assert.False(monitor.SetState("nobody", RunnerState.Failed));
    }

    [Fact]
    public async Task A_handler_that_throws_leaves_the_runner_failed_and_the_other_runners_handled()
    {
        var calls = new List<string>();
        var monitor = new HeartbeatMonitor(
            new HeartbeatOptions
            {
                Timeout = Timeout,
                OnTimeout = (status, _) =>
                {
                    calls.Add(status.Runner.Id);
                    return status.Runner.Id == "r1" ? throw new InvalidOperationException("handler broke") : ValueTask.CompletedTask;
                },
            },
            _time);
        monitor.Register(Runner("r1"));
        monitor.Register(Runner("r2"));
        _time.Advance(TimeSpan.FromSeconds(3));

        var reports = await monitor.CheckAsync();

        Assert.Equal(2, reports.Count);
        Assert.Equal(["r1", "r2"], calls.Order());
        Assert.Equal(RunnerState.Failed, monitor.GetStatus("r1")!.State);
    }

    [Fact]
    public async Task Concurrent_registrations_and_beats_are_safe()
    {
        var monitor = Monitor();

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Task.Run(() =>
        {
            monitor.Register(Runner($"r{i}"));
            for (var beat = 0; beat < 1000; beat++)
            {
                monitor.Beat($"r{i}");
                monitor.Beat($"r{(i + 1) % 5}");
            }
        })));

        Assert.Equal(5, monitor.CountRunning());
    }

    [Fact]
    public async Task Repeated_checks_over_time_see_running_running_failed()
    {
        var monitor = Monitor();
        monitor.Register(Runner("r1"));
        var states = new List<RunnerState>();
        foreach (var _ in Enumerable.Range(0, 3))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await monitor.CheckAsync();
            states.Add(monitor.GetStatus("r1")!.State);
        }

        Assert.Equal([RunnerState.Running, RunnerState.Running, RunnerState.Failed], states);
    }

    [Fact]
    public async Task Only_running_runners_time_out()
    {
        var monitor = Monitor();
        monitor.Register(Runner("done"));
        monitor.MarkCompleted("done");
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Empty(await monitor.CheckAsync());
        Assert.Equal(RunnerState.Completed, monitor.GetStatus("done")!.State);
        Assert.Empty(_handled);
    }

    [Fact]
    public void Runners_of_every_kind_keep_their_identity()
    {
        var monitor = Monitor();
        monitor.Register(new Runner { Id = "p", Kind = RunnerKind.LocalProcess, ProcessId = 4242 });
        monitor.Register(new Runner { Id = "c", Kind = RunnerKind.Container, ContainerId = "abc123" });
        monitor.Register(new Runner { Id = "k", Kind = RunnerKind.KubernetesJob, JobName = "jobx-sifting-3-1" });

        Assert.Equal(4242, monitor.GetStatus("p")!.Runner.ProcessId);
        Assert.Equal("abc123", monitor.GetStatus("c")!.Runner.ContainerId);
        Assert.Equal("jobx-sifting-3-1", monitor.GetStatus("k")!.Runner.JobName);
    }

    [Fact]
    public void A_non_positive_timeout_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new HeartbeatMonitor(new HeartbeatOptions { Timeout = TimeSpan.Zero }, _time));

        Assert.Contains("HeartbeatOptions.Timeout", error.Message, StringComparison.Ordinal);
    }

    private HeartbeatMonitor Monitor() => new(
        new HeartbeatOptions
        {
            Timeout = Timeout,
            OnTimeout = (status, _) =>
            {
                _handled.Add(status);
                return ValueTask.CompletedTask;
            },
        },
        _time);

    private static Runner Runner(string id, string? task = null) => new() { Id = id, Kind = RunnerKind.KubernetesJob, JobName = "job-" + id, TaskName = task };

    [Fact]
    public async Task AddWatchdog_registers_one_monitor_with_the_configured_timeout()
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time).Configure<HeartbeatOptions>(o => o.Timeout = TimeSpan.FromSeconds(5));
        services.AddExecutionSentinel().AddWatchdog();
        await using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<HeartbeatMonitor>();

        monitor.Register(Runner("r1"));
        _time.Advance(TimeSpan.FromSeconds(4.5));
        Assert.Empty(await monitor.CheckAsync());
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Single(await monitor.CheckAsync());
    }

    [Fact]
    public void Intervention_options_bind_from_configuration()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ExecutionSentinel:Interventions:Mode"] = "DryRun",
            ["ExecutionSentinel:Interventions:MaxPerHour"] = "2",
            ["ExecutionSentinel:Interventions:Actions:workflow-stalled"] = "TerminateWorkflow",
        }).Build();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
        services.AddExecutionSentinel().AddWatchdog(configuration.GetSection(InterventionOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<InterventionOptions>>().Value;

        Assert.Equal(InterventionMode.DryRun, options.Mode);
        Assert.Equal(2, options.MaxPerHour);
        Assert.Equal(InterventionAction.TerminateWorkflow, options.Actions["workflow-stalled"]);
    }
}
