using ExecutionSentinel.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Support;

/// <summary>Consumes a watch on fake time through the public kit (<see cref="SimulatedWatch"/>), as users' tests do.</summary>
internal static class Drive
{
    public static readonly TimeSpan Step = SimulatedWatch.DefaultStep;

    public static async Task<List<SentinelReport>> ToEndAsync(
        IAsyncEnumerable<SentinelReport> stream,
        FakeTimeProvider time,
        Func<SentinelReport, Task>? onReport = null,
        TimeSpan? step = null) =>
        [.. await SimulatedWatch.ConsumeToEndAsync(stream, time, onReport, step ?? Step, limit: null, CancellationToken.None)];
}
