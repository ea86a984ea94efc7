using ExecutionSentinel.Detection;
using ExecutionSentinel.Detectors;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Probing;
using k8s;
using k8s.Exceptions;
using NSubstitute;
using ExecutionSentinel.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.DependencyInjection;

public sealed class AddExecutionSentinelTests
{
    [Fact]
    public void Defaults_are_those_of_the_Python_sentinel()
    {
        using var provider = new ServiceCollection().AddExecutionSentinel().Services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SentinelOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(10), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(3600), options.WatchTimeout);
        Assert.Equal(3.0, provider.GetRequiredService<IOptions<StragglerDetectorOptions>>().Value.Multiplier);
        Assert.Equal(0.3, provider.GetRequiredService<IOptions<MassFailureDetectorOptions>>().Value.Threshold);
        Assert.Equal(3, options.ConnectivityFailureThreshold);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Calling_it_twice_registers_the_built_in_detectors_once()
    {
        var services = new ServiceCollection();
        services.AddExecutionSentinel();
        services.AddExecutionSentinel();
        using var provider = services.BuildServiceProvider();

        var detectors = provider.GetServices<IAnomalyDetector>().ToList();

        Assert.Equal(11, detectors.Count);
        Assert.Equal(detectors.Count, detectors.Select(d => d.Name).Distinct().Count());
    }

    [Fact]
    public void The_watchdogs_detectors_come_only_with_AddWatchdog()
    {
        using var plain = new ServiceCollection().AddExecutionSentinel().Services.BuildServiceProvider();
        using var watchdog = new ServiceCollection().AddExecutionSentinel().AddWatchdog().AddWatchdog().Services.BuildServiceProvider();

        var names = plain.GetServices<IAnomalyDetector>().Select(d => d.Name).ToList();
        var withWatchdog = watchdog.GetServices<IAnomalyDetector>().Select(d => d.Name).ToList();

        Assert.DoesNotContain("hang", names);
        Assert.DoesNotContain("stall", names);
        Assert.DoesNotContain("consistency", names);
        Assert.Null(plain.GetService<ExecutionSentinel.Watchdog.WorkflowActivity>());
        Assert.Equal([.. names, "hang", "stall", "consistency"], withWatchdog);
        Assert.NotNull(watchdog.GetService<ExecutionSentinel.Watchdog.WorkflowActivity>());
    }

    [Fact]
    public void Custom_detectors_are_added_and_built_in_ones_can_be_removed()
    {
        using var provider = new ServiceCollection()
            .AddExecutionSentinel()
            .AddDetector<QuietDetector>()
            .AddDetector<QuietDetector>()
            .RemoveDetector<StragglerDetector>()
            .Services.BuildServiceProvider();

        var names = provider.GetServices<IAnomalyDetector>().Select(d => d.Name).ToList();

        Assert.Single(names, n => n == "quiet");
        Assert.DoesNotContain("straggler", names);
    }

    [Fact]
    public void The_Kubernetes_probe_is_the_default_and_uses_the_hosts_client()
    {
        var client = Substitute.For<IKubernetes>();
        var services = new ServiceCollection();
        services.AddSingleton(client);
        using var provider = services.AddExecutionSentinel().Services.BuildServiceProvider();

        Assert.IsType<KubernetesClusterProbe>(provider.GetRequiredService<IClusterProbe>());
        Assert.Same(client, provider.GetRequiredService<IKubernetes>());
        Assert.NotNull(provider.GetRequiredService<ISentinel>());
    }

    [Fact]
    public void Without_a_kubeconfig_resolving_the_sentinel_names_the_missing_file_and_the_option()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-kubeconfig-" + Guid.NewGuid().ToString("N"));
        using var provider = new ServiceCollection()
            .AddExecutionSentinel()
            .UseKubernetes(o => o.KubeconfigPath = missing)
            .Services.BuildServiceProvider();

        var error = Assert.Throws<KubeConfigException>(() => provider.GetRequiredService<ISentinel>());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("KubeconfigPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_options_bind_from_the_Kubernetes_subsection_and_bad_ones_are_all_named()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ExecutionSentinel:Kubernetes:Mode"] = "Poll",
            ["ExecutionSentinel:Kubernetes:PageSize"] = "0",
            ["ExecutionSentinel:Kubernetes:SignalFile"] = "relative/path",
            ["ExecutionSentinel:Kubernetes:TaskLabelSelector"] = "app=hyperflow,,x",
        }).Build();
        using var provider = new ServiceCollection()
            .AddExecutionSentinel(configuration.GetSection(SentinelOptions.SectionName))
            .Services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KubernetesProbeOptions>>().Value);

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("ExecutionSentinel:Kubernetes:PageSize", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ExecutionSentinel:Kubernetes:SignalFile", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ExecutionSentinel:Kubernetes:TaskLabelSelector", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_bind_from_a_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ExecutionSentinel:PollInterval"] = "00:00:05",
            ["ExecutionSentinel:Detectors:Straggler:Multiplier"] = "4.5",
            ["ExecutionSentinel:ConnectivityFailureThreshold"] = "5",
        }).Build();
        using var provider = new ServiceCollection()
            .AddExecutionSentinel(configuration.GetSection(SentinelOptions.SectionName))
            .Services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SentinelOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(5), options.PollInterval);
        Assert.Equal(4.5, provider.GetRequiredService<IOptions<StragglerDetectorOptions>>().Value.Multiplier);
        Assert.Equal(5, options.ConnectivityFailureThreshold);
    }

    [Fact]
    public void Invalid_options_fail_at_start_naming_every_bad_key()
    {
        using var provider = new ServiceCollection()
            .AddExecutionSentinel(o =>
            {
                o.PollInterval = TimeSpan.Zero;
                o.WatchTimeout = TimeSpan.FromSeconds(-1);
                o.ConnectivityFailureThreshold = 0;
            })
            .ConfigureDetector<PendingTooLongDetectorOptions>(o => o.Timeout = TimeSpan.Zero)
            .ConfigureDetector<StragglerDetectorOptions>(o =>
            {
                o.Multiplier = double.NaN;
                o.MinimumExcess = TimeSpan.FromSeconds(-1);
                o.MinimumSamples = 0;
            })
            .ConfigureDetector<MassFailureDetectorOptions>(o => o.Threshold = 1.5)
            .Services.BuildServiceProvider();

        // One OptionsValidationException per options type (the loop's, each detector's), together.
        var error = Assert.Throws<AggregateException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var failures = error.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        Assert.Equal(8, failures.Count);
        foreach (var key in new[] { "PollInterval", "WatchTimeout", "Detectors:PendingTooLong:Timeout", "Detectors:Straggler:Multiplier", "Detectors:Straggler:MinimumExcess", "Detectors:Straggler:MinimumSamples", "Detectors:MassFailure:Threshold", "ConnectivityFailureThreshold" })
        {
            Assert.Contains(failures, f => f.StartsWith($"ExecutionSentinel:{key} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Durations_too_short_or_too_long_for_a_watch_are_refused_naming_each_key()
    {
        using var provider = new ServiceCollection()
            .AddExecutionSentinel(o =>
            {
                o.PollInterval = TimeSpan.FromTicks(1); // 0.0000001 s
                o.WatchTimeout = TimeSpan.MaxValue;
            })
            .ConfigureDetector<StragglerDetectorOptions>(o =>
            {
                o.Multiplier = 1e300;
                o.MinimumExcess = TimeSpan.MaxValue;
            })
            .AddWatchdog()
            .ConfigureDetector<ExecutionSentinel.Watchdog.HangDetectorOptions>(o => o.Threshold = TimeSpan.FromDays(31))
            .UseKubernetes(o =>
            {
                o.RequestTimeout = TimeSpan.FromDays(2);
                o.CircuitBreakDuration = TimeSpan.FromDays(2);
                o.WatchTimeout = TimeSpan.FromDays(30);
            })
            .Services.BuildServiceProvider();

        var sentinel = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SentinelOptions>>().Value).Failures.ToList();
        var probe = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KubernetesProbeOptions>>().Value).Failures.ToList();
        var straggler = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StragglerDetectorOptions>>().Value).Failures.ToList();
        var hang = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ExecutionSentinel.Watchdog.HangDetectorOptions>>().Value).Failures.ToList();

        Assert.Contains("ExecutionSentinel:PollInterval must be from 100 ms to 1 h (was 00:00:00.0000001).", sentinel);
        Assert.Contains(sentinel, f => f.StartsWith("ExecutionSentinel:WatchTimeout must be greater than zero and at most 30 days", StringComparison.Ordinal));
        Assert.Contains(hang, f => f.StartsWith("ExecutionSentinel:Detectors:Hang:Threshold must be greater than zero and at most 1 day", StringComparison.Ordinal));
        Assert.Contains(straggler, f => f.StartsWith("ExecutionSentinel:Detectors:Straggler:Multiplier must be a number from 1 to 1000", StringComparison.Ordinal));
        Assert.Contains(straggler, f => f.StartsWith("ExecutionSentinel:Detectors:Straggler:MinimumExcess must be from 0 to 1 day", StringComparison.Ordinal));
        Assert.Equal(2, sentinel.Count);
        Assert.Equal(2, straggler.Count);
        Assert.Single(hang);
        Assert.Contains(probe, f => f.StartsWith("ExecutionSentinel:Kubernetes:RequestTimeout must be from 10 ms to 1 h", StringComparison.Ordinal));
        Assert.Contains(probe, f => f.StartsWith("ExecutionSentinel:Kubernetes:CircuitBreakDuration must be from 500 ms to 1 h", StringComparison.Ordinal));
        Assert.Contains(probe, f => f.StartsWith("ExecutionSentinel:Kubernetes:WatchTimeout must be greater than zero and at most 1 h", StringComparison.Ordinal));
        Assert.Equal(3, probe.Count);
    }

    [Fact]
    public void The_poll_interval_must_not_be_longer_than_the_watch()
    {
        var failures = new SentinelOptionsValidator().Validate(null, new SentinelOptions { PollInterval = TimeSpan.FromMinutes(10), WatchTimeout = TimeSpan.FromMinutes(5) }).Failures;

        Assert.Equal(["ExecutionSentinel:PollInterval must not be longer than WatchTimeout (00:05:00) (was 00:10:00)."], failures);
    }

    [Fact]
    public void Invalid_options_also_stop_a_watch_at_the_call()
    {
        var time = new FakeTimeProvider();
        var cluster = new SimulatedCluster(WorkflowTrace.LoadBundled(), time);
        using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddExecutionSentinel()
            .ConfigureDetector<MassFailureDetectorOptions>(o => o.Threshold = 0)
            .UseSimulatedCluster(cluster)
            .Services.BuildServiceProvider();

        var sentinel = provider.GetRequiredService<ISentinel>();

        Assert.Throws<OptionsValidationException>(() => sentinel.WatchAsync(cluster.CreateContext()));
    }

    private sealed class QuietDetector : IAnomalyDetector
    {
        public string Name => "quiet";

        public IEnumerable<SentinelReport> Detect(DetectionContext context) => [];
    }
}
