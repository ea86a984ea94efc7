using System.ComponentModel.DataAnnotations;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Detectors;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.DependencyInjection;

/// <summary>Each detector's options: bound from <c>ExecutionSentinel:Detectors:&lt;Name&gt;</c>, checked at start, able to turn it off.</summary>
public sealed class DetectorOptionsTests
{
    private static readonly WorkflowTrace Trace = WorkflowTrace.LoadBundled();

    [Fact]
    public void Every_detector_option_binds_from_its_section_the_watchdogs_included()
    {
        using var provider = Provider(new()
        {
            ["ExecutionSentinel:Detectors:Straggler:Multiplier"] = "4.5",
            ["ExecutionSentinel:Detectors:Straggler:MinimumExcess"] = "00:02:00",
            ["ExecutionSentinel:Detectors:Straggler:MinimumSamples"] = "7",
            ["ExecutionSentinel:Detectors:MassFailure:Threshold"] = "0.5",
            ["ExecutionSentinel:Detectors:MassFailure:StopWatch"] = "true",
            ["ExecutionSentinel:Detectors:PendingTooLong:Timeout"] = "00:10:00",
            ["ExecutionSentinel:Detectors:OomKill:Enabled"] = "false",
            ["ExecutionSentinel:Detectors:Hang:Threshold"] = "01:00:00",
            ["ExecutionSentinel:Detectors:Stall:Timeout"] = "00:00:30",
            ["ExecutionSentinel:Detectors:Consistency:Enabled"] = "false",
        });

        var straggler = Get<StragglerDetectorOptions>(provider);
        var massFailure = Get<MassFailureDetectorOptions>(provider);

        Assert.Equal((4.5, TimeSpan.FromMinutes(2), 7), (straggler.Multiplier, straggler.MinimumExcess, straggler.MinimumSamples));
        Assert.Equal((0.5, true), (massFailure.Threshold, massFailure.StopWatch));
        Assert.Equal(TimeSpan.FromMinutes(10), Get<PendingTooLongDetectorOptions>(provider).Timeout);
        Assert.False(Get<OomKillDetectorOptions>(provider).Enabled);
        Assert.True(Get<ProgressDetectorOptions>(provider).Enabled);
        Assert.Equal(TimeSpan.FromHours(1), Get<HangDetectorOptions>(provider).Threshold);
        Assert.Equal(TimeSpan.FromSeconds(30), Get<StallDetectorOptions>(provider).Timeout);
        Assert.False(Get<ConsistencyDetectorOptions>(provider).Enabled);
        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Every_built_in_detector_can_be_turned_off_from_configuration()
    {
        string[] names = ["Progress", "Phase", "TaskFailure", "OomKill", "TaskLost", "UnidentifiedTask", "PendingTooLong", "ContainerTrouble", "Straggler", "MassFailure", "Connectivity", "Hang", "Stall", "Consistency"];
        using var provider = Provider(names.ToDictionary(n => $"ExecutionSentinel:Detectors:{n}:Enabled", _ => (string?)"false"));

        var switches = provider.GetServices<IDetectorSwitch>().ToList();

        Assert.Equal(provider.GetServices<IAnomalyDetector>().Select(d => d.GetType()).Order(TypeOrder.Instance), switches.Select(s => s.DetectorType).Order(TypeOrder.Instance));
        Assert.Equal(14, switches.Count);
        Assert.All(switches, s => Assert.False(s.Enabled));
    }

    [Theory]
    [InlineData("Straggler:Multiplier", "-1", "ExecutionSentinel:Detectors:Straggler:Multiplier must be a number from 1 to 1000 (was -1).")]
    [InlineData("Straggler:MinimumExcess", "10", "ExecutionSentinel:Detectors:Straggler:MinimumExcess must be from 0 to 1 day (was 10.00:00:00).")]
    [InlineData("Straggler:MinimumSamples", "0", "ExecutionSentinel:Detectors:Straggler:MinimumSamples must be a whole number from 1 to 100000 (was 0).")]
    [InlineData("MassFailure:Threshold", "1.5", "ExecutionSentinel:Detectors:MassFailure:Threshold must be a ratio above 0 and at most 1 (was 1.5).")]
    [InlineData("PendingTooLong:Timeout", "-00:00:01", "ExecutionSentinel:Detectors:PendingTooLong:Timeout must be greater than zero and at most 1 day (was -00:00:01).")]
    [InlineData("Hang:Threshold", "10", "ExecutionSentinel:Detectors:Hang:Threshold must be greater than zero and at most 1 day (was 10.00:00:00).")]
    [InlineData("Stall:Timeout", "00:00:00", "ExecutionSentinel:Detectors:Stall:Timeout must be greater than zero and at most 1 day (was 00:00:00).")]
    public void A_bad_value_fails_at_start_naming_its_key(string key, string value, string message)
    {
        using var provider = Provider(new() { [$"ExecutionSentinel:Detectors:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal([message], error.Failures);
    }

    [Fact]
    public void A_bad_detector_option_also_stops_a_watch_at_the_call()
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var cluster = new SimulatedCluster(Trace, time);
        using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddExecutionSentinel()
            .ConfigureDetector<StragglerDetectorOptions>(o => o.Multiplier = double.NaN)
            .UseSimulatedCluster(cluster)
            .Services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ISentinel>().WatchAsync(cluster.CreateContext()));

        Assert.StartsWith("ExecutionSentinel:Detectors:Straggler:Multiplier ", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_detector_disabled_in_configuration_is_not_called_in_a_watch()
    {
        var reports = await WatchAsync(new() { ["ExecutionSentinel:Detectors:Progress:Enabled"] = "false" });
        var control = await WatchAsync([]);

        Assert.Contains(control, r => r.Kind == ReportKind.Progress);
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.Progress);
        Assert.Contains(reports, r => r.Kind == ReportKind.PhaseStarted);
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
    }

    [Fact]
    public async Task A_detector_disabled_in_code_is_not_called_in_a_watch()
    {
        using var harness = new SentinelHarness(Trace, builder: b => b.ConfigureDetector<PhaseDetectorOptions>(o => o.Enabled = false));

        var reports = await harness.RunAsync();

        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.PhaseStarted || r.Kind == ReportKind.PhaseCompleted);
        Assert.Contains(reports, r => r.Kind == ReportKind.Progress);
    }

    [Fact]
    public async Task A_custom_detector_gets_its_options_from_its_section_and_honours_Enabled()
    {
        var on = await WatchAsync(new() { ["ExecutionSentinel:Detectors:Countdown:Ticks"] = "2" }, b => b.AddDetector<CountdownDetector, CountdownOptions>("Countdown"));
        var off = await WatchAsync(
            new() { ["ExecutionSentinel:Detectors:Countdown:Ticks"] = "2", ["ExecutionSentinel:Detectors:Countdown:Enabled"] = "false" },
            b => b.AddDetector<CountdownDetector, CountdownOptions>("Countdown"));

        var report = Assert.Single(on, r => r.Source == "countdown");
        Assert.Equal("2", report.Details["ticks"]);
        Assert.DoesNotContain(off, r => r.Source == "countdown");
    }

    [Fact]
    public void A_custom_detectors_options_are_checked_against_their_annotations_at_start()
    {
        var configuration = Configuration(new() { ["ExecutionSentinel:Detectors:Countdown:Ticks"] = "0" });
        using var provider = new ServiceCollection()
            .AddExecutionSentinel(configuration.GetSection(SentinelOptions.SectionName))
            .AddDetector<CountdownDetector, CountdownOptions>("Countdown")
            .Services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Ticks", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static ServiceProvider Provider(Dictionary<string, string?> values) => new ServiceCollection()
        .AddExecutionSentinel(Configuration(values).GetSection(SentinelOptions.SectionName))
        .AddWatchdog()
        .Services.BuildServiceProvider();

    private static T Get<T>(IServiceProvider provider)
        where T : class => provider.GetRequiredService<IOptionsMonitor<T>>().CurrentValue;

    private static async Task<List<SentinelReport>> WatchAsync(Dictionary<string, string?> values, Action<ISentinelBuilder>? builder = null)
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var cluster = new SimulatedCluster(Trace, time);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        var sentinel = services.AddExecutionSentinel(Configuration(values).GetSection(SentinelOptions.SectionName)).UseSimulatedCluster(cluster);
        builder?.Invoke(sentinel);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        return await Drive.ToEndAsync(provider.GetRequiredService<ISentinel>().WatchAsync(cluster.CreateContext()), time);
    }

    private sealed class TypeOrder : IComparer<Type>
    {
        public static readonly TypeOrder Instance = new();

        public int Compare(Type? x, Type? y) => string.CompareOrdinal(x?.FullName, y?.FullName);
    }

    private sealed class CountdownOptions : DetectorOptions
    {
        [Range(1, 100)]
        public int Ticks { get; set; } = 50;
    }

    /// <summary>Reports once, at the tick its options name: enough to show which options it got.</summary>
    private sealed class CountdownDetector(IOptionsMonitor<CountdownOptions> options) : IAnomalyDetector
    {
        public string Name => "countdown";

        public IEnumerable<SentinelReport> Detect(DetectionContext context)
        {
            var state = context.GetState<Counter>();
            if (++state.Ticks == options.CurrentValue.Ticks)
            {
                yield return context.Report(ReportKind.Progress, ReportSeverity.Info, "counted down", details: new Dictionary<string, string> { ["ticks"] = state.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }
        }

        private sealed class Counter
        {
            public int Ticks { get; set; }
        }
    }
}
