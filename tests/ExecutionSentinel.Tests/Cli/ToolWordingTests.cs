using ExecutionSentinel.Cli.Input;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Kubernetes.Connection;
using ExecutionSentinel.Watchdog;
using k8s.Exceptions;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace ExecutionSentinel.Tests.Cli;

/// <summary>
/// The library's own messages (from its validators and its kubeconfig loader, not copies of them) said in the tool's
/// words: the flag or variable the user set, seconds rather than TimeSpans, never a configuration key or a builder call.
/// </summary>
public sealed class ToolWordingTests
{
    [Fact]
    public void An_enabled_watchdog_without_a_durable_record_asks_for_checkpoints_not_for_UseCheckpoints()
    {
        var failures = Validate(new InterventionOptions { Mode = InterventionMode.Enabled });

        var message = Wording().Settings(failures).Message;

        Assert.StartsWith("--interventions needs a record of the hourly limit that outlives a restart: pass --checkpoints DIR (it is kept there)", message, StringComparison.Ordinal);
        AssertToolWords(message);
    }

    [Fact]
    public void An_action_is_named_as_the_act_flag_that_gave_it()
    {
        var options = new InterventionOptions { Mode = InterventionMode.DryRun };
        options.Actions["straggler"] = (InterventionAction)99;

        var message = Wording().Settings(Validate(options)).Message;

        Assert.Equal("--act straggler=ACTION must be None, TerminateTask or TerminateWorkflow (was 99).", message);
    }

    [Fact]
    public void A_missing_kubeconfig_asks_for_the_flag_or_the_variable_not_for_a_configuration_key_or_a_client()
    {
        var error = Assert.Throws<KubeConfigException>(() => KubernetesClientFactory.BuildConfiguration(new KubernetesProbeOptions { KubeconfigPath = "/no/such/kubeconfig" }));

        var message = Wording().Say(error.Message);

        Assert.Contains("pass --kubeconfig or set SENTINEL_KUBECONFIG", message, StringComparison.Ordinal);
        AssertToolWords(message);
    }

    [Fact]
    public void Durations_are_said_in_seconds_of_the_variable_that_set_them()
    {
        var timings = WatchTimings.Resolve(null, null, new SentinelEnvironment { PollSeconds = 60, TimeoutSeconds = 120 });
        var failures = new SentinelOptionsValidator().Validate(null, new SentinelOptions { PollInterval = TimeSpan.FromMilliseconds(50), WatchTimeout = TimeSpan.FromSeconds(30) }).Failures!;

        var message = ToolWording.ForWatch(timings, "--kubeconfig").Settings(failures).Message;

        Assert.Contains("SENTINEL_POLL_INTERVAL must be from 100 ms to 1 h (was 0.05 s).", message, StringComparison.Ordinal);
        AssertToolWords(message);
    }

    [Fact]
    public void The_poll_interval_longer_than_the_timeout_names_both_flags()
    {
        var timings = WatchTimings.Resolve(60, 120, new SentinelEnvironment());
        var failures = new SentinelOptionsValidator().Validate(null, new SentinelOptions { PollInterval = TimeSpan.FromSeconds(60), WatchTimeout = TimeSpan.FromSeconds(30) }).Failures!;

        var message = ToolWording.ForWatch(timings, "--kubeconfig").Settings(failures).Message;

        Assert.Equal("--poll must not be longer than --timeout (30 s) (was 60 s).", message);
    }

    [Fact]
    public void A_default_is_named_by_both_the_flag_and_the_variable_that_could_change_it()
    {
        var timings = WatchTimings.Resolve(null, null, new SentinelEnvironment());

        var message = ToolWording.ForWatch(timings, "--kubeconfig").Say("ExecutionSentinel:WatchTimeout must be greater than zero and at most 30 days (was 00:00:00).");

        Assert.StartsWith("--timeout (or SENTINEL_TIMEOUT) must be", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_setting_the_tool_does_not_expose_is_left_as_the_library_says_it()
    {
        var message = Wording().Say("ExecutionSentinel:PendingTimeout must be greater than zero (was 00:00:00).");

        Assert.Equal("ExecutionSentinel:PendingTimeout must be greater than zero (was 00:00:00).", message);
    }

    private static ToolWording Wording() => ToolWording.ForWatch(WatchTimings.Resolve(null, null, new SentinelEnvironment()), "SENTINEL_KUBECONFIG");

    private static IEnumerable<string> Validate(InterventionOptions options)
    {
        var probe = Substitute.For<IOptionsMonitor<KubernetesProbeOptions>>();
        probe.CurrentValue.Returns(new KubernetesProbeOptions());
        return new InterventionOptionsValidator(probe, new MemoryInterventionRecord()).Validate(null, options).Failures!;
    }

    private static void AssertToolWords(string message)
    {
        Assert.DoesNotContain("ExecutionSentinel:", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Use", message, StringComparison.Ordinal);
        Assert.DoesNotContain("IKubernetes", message, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{2}:\d{2}:\d{2}", message);
    }
}
