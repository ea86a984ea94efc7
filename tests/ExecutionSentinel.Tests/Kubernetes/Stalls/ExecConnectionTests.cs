using System.Net.NetworkInformation;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Kubernetes.Connection;
using ExecutionSentinel.Kubernetes.Signals;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExecutionSentinel.Tests.Kubernetes.Stalls;

/// <summary>Every exec lets go of its connection when it ends: read, failed or aborted on its deadline.</summary>
public sealed class ExecConnectionTests
{
    private static readonly MonitoringContext Context = new()
    {
        Namespace = "wf",
        EnginePodName = "hyperflow-engine-0",
        TaskInventory = [new TaskSpec { Name = "a", TaskType = "t", DagOrder = 0 }],
    };

    [Fact]
    public async Task A_hundred_signal_reads_leave_no_connection_open()
    {
        await using var server = new StallingApiServer(Stall.None);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Address.ToString() });
        var reader = Reader(client, new KubernetesProbeOptions());

        for (var i = 0; i < 100; i++)
        {
            var reading = await reader.ReadAsync(Context, CancellationToken.None);
            Assert.Null(reading.Failure);
            Assert.Equal(0, reading.Signal?.ExitCode);
        }

        Assert.Empty(OpenConnectionsTo(server.Port, TcpState.Established, TcpState.CloseWait));
    }

    [Fact]
    public async Task A_hundred_signal_reads_against_the_fake_api_server_leave_no_connection_open()
    {
        // The fake API server speaks exec as the API server does (TLS, WebSocket upgrade, v4 channels, a status, a close).
        await using var server = await FakeKubeApiServer.StartAsync();
        var objects = HyperFlowObjects.FromHyperFlowTemplate(Context.Namespace);
        server.Store.Upsert("pods", HyperFlowObjects.ToNode(objects.EnginePod(Context.EnginePodName, DateTimeOffset.UtcNow)));
        server.WriteFile(Context.Namespace, Context.EnginePodName, Context.EngineContainer, HyperFlowClusterDriver.SignalFile, "0\n");
        using var client = new k8s.Kubernetes(server.ClientConfiguration);
        var reader = Reader(client, new KubernetesProbeOptions());

        for (var i = 0; i < 100; i++)
        {
            var reading = await reader.ReadAsync(Context, CancellationToken.None);
            Assert.Null(reading.Failure);
            Assert.Equal(0, reading.Signal?.ExitCode);
        }

        // Each read disposed its socket before returning: nothing of the 100 is left open, and only exec was called, so
        // the client's HTTP pool holds no connection either.
        Assert.Equal(100, server.Requests.Count(r => r.Contains("/exec", StringComparison.Ordinal)));
        Assert.Empty(OpenConnectionsTo(server.Address.Port, TcpState.Established, TcpState.CloseWait));
    }

    [Fact]
    public async Task Stalled_execs_are_aborted_on_their_deadline_and_leave_no_connection_open()
    {
        await using var server = new StallingApiServer(Stall.ExecAfterUpgrade);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Address.ToString() });
        var options = new KubernetesProbeOptions { RequestTimeout = TimeSpan.FromMilliseconds(200), MaxRetries = 0 };

        for (var i = 0; i < 10; i++)
        {
            // A reader (and breaker) per read, as each watch has: the breaker would otherwise open after six timeouts.
            var reading = await Reader(client, options).ReadAsync(Context, CancellationToken.None);
            Assert.Equal("cannot read /work_dir/.workflow-exit-code in pod 'hyperflow-engine-0', container 'hyperflow': the exec did not answer in time", reading.Failure?.Reason);
        }

        // The server sees each stalled exec closed by the client (a moment after the client closes it); the client's one
        // pooled HTTP connection (the engine pod's GET after each failed exec) stays open, as it should.
        Assert.Equal(10, server.StalledRequests);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (server.StalledClosedByClient < 10 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        Assert.Equal(10, server.StalledClosedByClient);
        Assert.Empty(OpenConnectionsTo(server.Port, TcpState.CloseWait));
        Assert.InRange(OpenConnectionsTo(server.Port, TcpState.Established).Count, 0, 1);
    }

    private static EngineSignalReader Reader(IKubernetes client, KubernetesProbeOptions options) => new(
        client,
        KubernetesResilience.Build(options, TimeProvider.System, "exec"),
        KubernetesResilience.Build(options, TimeProvider.System, "reads"),
        options,
        NullLogger.Instance);

    /// <summary>
    /// This process's connections to the server in one of <paramref name="states"/>: ESTABLISHED (still open) or CLOSE_WAIT
    /// (closed by the server, never by a socket that was not disposed).
    /// </summary>
    private static List<string> OpenConnectionsTo(int port, params TcpState[] states) =>
        IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpConnections()
            .Where(c => c.RemoteEndPoint.Port == port && states.Contains(c.State))
            .Select(c => $"{c.LocalEndPoint} -> {c.RemoteEndPoint}: {c.State}")
            .ToList();
}
