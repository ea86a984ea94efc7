using ExecutionSentinel;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using Microsoft.Extensions.Options;
using Xunit;
using static ExecutionSentinel.Testing.DetectorBench;

namespace Conductor.Tests;

public sealed class RetryStormDetectorTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(10);

    [Fact]
    public void Retries_above_the_limit_are_reported_once_per_type()
    {
        var bench = new DetectorBench(Detector(maxRetries: 2), Context(Spec("a", "sifting"), Spec("b", "sifting"), Spec("c", "merge")));

        Assert.Empty(bench.Tick(Poll, Task("a", "sifting", TaskPhase.Running, attempt: 1), Task("c", "merge", TaskPhase.Running)));
        Assert.Empty(bench.Tick(Poll, Task("a", "sifting", TaskPhase.Running, attempt: 3), Task("c", "merge", TaskPhase.Running))); // 2 retries: at the limit
        var storm = Assert.Single(bench.Tick(Poll, Task("a", "sifting", TaskPhase.Running, attempt: 3), Task("b", "sifting", TaskPhase.Running, attempt: 2), Task("c", "merge", TaskPhase.Running)));
        Assert.Empty(bench.Tick(Poll, Task("a", "sifting", TaskPhase.Running, attempt: 4), Task("b", "sifting", TaskPhase.Running, attempt: 2), Task("c", "merge", TaskPhase.Running)));

        Assert.Equal(RetryStormDetector.RetryStorm, storm.Kind);
        Assert.Equal("sifting", storm.TaskType);
        Assert.Equal("retry-storm", storm.Source);
        Assert.Contains("3 times", storm.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void First_attempts_are_not_retries()
    {
        var bench = new DetectorBench(Detector(maxRetries: 1), Context(Spec("a", "x"), Spec("b", "x"), Spec("c", "x")));

        Assert.Empty(bench.Tick(Poll, Task("a", "x", TaskPhase.Running), Task("b", "x", TaskPhase.Running), Task("c", "x", TaskPhase.Succeeded, bench.Time.GetUtcNow())));
    }

    private static RetryStormDetector Detector(int maxRetries) =>
        new(new FixedOptions(new RetryStormOptions { MaxRetries = maxRetries }));

    private sealed class FixedOptions(RetryStormOptions value) : IOptionsMonitor<RetryStormOptions>
    {
        public RetryStormOptions CurrentValue => value;

        public RetryStormOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<RetryStormOptions, string?> listener) => null;
    }
}
