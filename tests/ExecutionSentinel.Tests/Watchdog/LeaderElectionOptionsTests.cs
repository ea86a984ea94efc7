using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>The Lease's namespace and name go into URLs: a hostile one is refused before any request, with every problem named.</summary>
public sealed class LeaderElectionOptionsTests
{
    public static TheoryData<string> Hostile => ["a/b", "..", "%2F", "Conductor", new string('a', 300), "../../kube-system/leases/x", "x\n"];

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_Lease_namespace_or_name_never_reaches_a_URL(string hostile)
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var services = new ServiceCollection();
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(server.ClientConfiguration));
        services.AddExecutionSentinel().AddWatchdog(o => o.Mode = InterventionMode.Enabled).UseLeaderElection(o =>
        {
            o.Namespace = hostile;
            o.LeaseName = hostile + "/" + hostile;
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<InterventionGate>());

        Assert.Contains("LeaderElection:Namespace must be a Kubernetes namespace name", error.Message, StringComparison.Ordinal);
        Assert.Contains("LeaderElection:LeaseName must be a Kubernetes object name", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void Durations_that_cannot_fence_are_refused_together()
    {
        var options = new LeaderElectionOptions { Namespace = "conductor", RenewDeadline = TimeSpan.FromSeconds(20), LeaseDuration = TimeSpan.FromSeconds(15), Identity = "" };

        var problems = options.Problems();

        Assert.Contains(problems, p => p.StartsWith("LeaderElection:RenewDeadline must be longer than RetryPeriod (2 s) and shorter than LeaseDuration (15 s)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LeaderElection:Identity must be 1 to 253 printable characters", StringComparison.Ordinal));
    }
}
