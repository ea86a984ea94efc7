using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// A selector that matches every application's Jobs is refused at start whenever the watchdog may act (enabled, or
/// rehearsing in a dry run): the message names the key, the value and why, all problems at once.
/// </summary>
public sealed class SelectorRefusalTests
{
    public static TheoryData<string, string?, string> MatchEverything => new()
    {
        { "", null, "ExecutionSentinel:Kubernetes:TaskLabelSelector must not be empty" },
        { "   ", null, "ExecutionSentinel:Kubernetes:TaskLabelSelector must not be empty" },
        { "app=hyperflow", "", "ExecutionSentinel:Kubernetes:JobLabelSelector must not be empty" },
        { "component!=hyperflow-engine", null, "ExecutionSentinel:Kubernetes:TaskLabelSelector must require a label value" },
        { "app", null, "ExecutionSentinel:Kubernetes:TaskLabelSelector must require a label value" },
        { "!app,app notin (x)", null, "ExecutionSentinel:Kubernetes:TaskLabelSelector must require a label value" },
    };

    [Theory]
    [MemberData(nameof(MatchEverything))]
    public void A_selector_matching_every_application_is_refused_when_interventions_are_on(string task, string? job, string expected)
    {
        foreach (var mode in new[] { InterventionMode.Enabled, InterventionMode.DryRun })
        {
            using var provider = Provider(mode, task, job);

            var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<InterventionGate>());

            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            Assert.Contains("while interventions are " + mode, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Observing_only_the_selectors_are_the_applications_business()
    {
        using var provider = Provider(InterventionMode.Off, "", null);

        Assert.NotNull(provider.GetRequiredService<InterventionGate>());
    }

    [Fact]
    public void A_selector_requiring_a_value_is_accepted()
    {
        using var provider = Provider(InterventionMode.Enabled, "app=hyperflow,component!=hyperflow-engine", "app in (hyperflow)");

        Assert.NotNull(provider.GetRequiredService<InterventionGate>());
    }

    private static ServiceProvider Provider(InterventionMode mode, string task, string? job)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "https://127.0.0.1:1" }));
        services.AddExecutionSentinel().AddWatchdog(o => o.Mode = mode).UseCheckpoints(new MemoryCheckpointStore());
        services.Configure<KubernetesProbeOptions>(o =>
        {
            o.TaskLabelSelector = task;
            o.JobLabelSelector = job;
        });
        return services.BuildServiceProvider();
    }
}
