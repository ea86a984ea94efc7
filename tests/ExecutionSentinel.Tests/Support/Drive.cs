using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Support;

/// <summary>Consumes a watch on fake time: whenever the watch waits, time moves on by one step.</summary>
internal static class Drive
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    public static async Task<List<SentinelReport>> ToEndAsync(
        IAsyncEnumerable<SentinelReport> stream,
        FakeTimeProvider time,
        Func<SentinelReport, Task>? onReport = null,
        int maxSteps = 2_000_000,
        TimeSpan? step = null)
    {
        var by = step ?? Step;
        var reports = new List<SentinelReport>();
        var enumerator = stream.GetAsyncEnumerator();
        await using (enumerator.ConfigureAwait(false))
        {
            var steps = 0;
            while (true)
            {
                var move = enumerator.MoveNextAsync().AsTask();
                while (!move.IsCompleted)
                {
                    if (++steps > maxSteps)
                    {
                        throw new TimeoutException($"The watch did not end within {maxSteps} simulated steps.");
                    }

                    time.Advance(by);
                    if (!move.IsCompleted)
                    {
                        await Task.Yield();
                    }
                }

                if (!await move)
                {
                    return reports;
                }

                reports.Add(enumerator.Current);
                if (onReport is not null)
                {
                    await onReport(enumerator.Current);
                }
            }
        }
    }
}
