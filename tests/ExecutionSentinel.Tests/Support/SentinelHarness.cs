using ExecutionSentinel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Support;

/// <summary>Builds a sentinel the way a conductor does (through DI) over a simulated cluster on fake time.</summary>
internal sealed class SentinelHarness : IDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public SentinelHarness(
        WorkflowTrace trace,
        Action<SimulatedClusterOptions>? cluster = null,
        Action<SentinelOptions>? sentinel = null,
        Action<ISentinelBuilder>? builder = null)
    {
        Time = new FakeTimeProvider(Epoch);
        var clusterOptions = new SimulatedClusterOptions();
        cluster?.Invoke(clusterOptions);
        Cluster = new SimulatedCluster(trace, Time, clusterOptions);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        var sentinelBuilder = services.AddExecutionSentinel(o => sentinel?.Invoke(o)).UseSimulatedCluster(Cluster);
        builder?.Invoke(sentinelBuilder);
        _services = services.BuildServiceProvider(validateScopes: true);
        Services = _services;
        Sentinel = _services.GetRequiredService<ISentinel>();
    }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services { get; }

    public SimulatedCluster Cluster { get; }

    public ISentinel Sentinel { get; }

    public MonitoringContext Context(ExpectedDurationSource expected = ExpectedDurationSource.SameRunTypeMedian) => Cluster.CreateContext(expected);

    public async Task<List<SentinelReport>> RunAsync(ExpectedDurationSource expected = ExpectedDurationSource.SameRunTypeMedian) =>
        [.. await SimulatedWatch.RunToEndAsync(Sentinel, Context(expected), Time)];

    public void Dispose() => _services.Dispose();
}
