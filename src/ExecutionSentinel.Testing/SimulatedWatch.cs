using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Testing;

/// <summary>
/// Runs a watch to its end on a <see cref="FakeTimeProvider"/>: whenever the watch waits, fake time moves on by one step.
/// Nothing else advances fake time, so a test that only awaits <c>WatchAsync</c> on fake time would wait forever.
/// </summary>
/// <example>
/// <code>
/// var reports = await SimulatedWatch.RunToEndAsync(sentinel, cluster.CreateContext(), time);
/// var summary = reports[^1].Summary!;
/// </code>
/// </example>
public static class SimulatedWatch
{
    /// <summary>How far fake time moves each time the watch waits, unless told otherwise: one second.</summary>
    public static TimeSpan DefaultStep { get; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How much fake time a watch may take before it is given up as endless, unless told otherwise: 30 days (far beyond
    /// any watch timeout, so only a watch that cannot end reaches it).
    /// </summary>
    public static TimeSpan DefaultLimit { get; } = TimeSpan.FromDays(30);

    /// <summary>Watches <paramref name="context"/> to the end of the watch, advancing <paramref name="time"/> while it waits.</summary>
    /// <param name="sentinel">The sentinel, built on <paramref name="time"/> (registered as the <see cref="TimeProvider"/>).</param>
    /// <param name="context">The workflow to watch, e.g. <see cref="SimulatedCluster.CreateContext"/>.</param>
    /// <param name="time">The sentinel's (and the simulated cluster's) fake clock.</param>
    /// <param name="step">How far time moves each time the watch waits; <see cref="DefaultStep"/> when null.</param>
    /// <param name="limit">The fake time after which the watch is given up; <see cref="DefaultLimit"/> when null.</param>
    /// <param name="cancellationToken">Ends the watch (with an <see cref="OperationCanceledException"/>).</param>
    /// <returns>Every report of the watch, in order; the last carries the <see cref="SentinelReport.Summary"/>.</returns>
    /// <exception cref="TimeoutException">The watch did not end within <paramref name="limit"/> of fake time.</exception>
    public static Task<IReadOnlyList<SentinelReport>> RunToEndAsync(
        ISentinel sentinel,
        MonitoringContext context,
        FakeTimeProvider time,
        TimeSpan? step = null,
        TimeSpan? limit = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sentinel);
        ArgumentNullException.ThrowIfNull(context);
        return ConsumeToEndAsync(sentinel.WatchAsync(context, cancellationToken), time, onReport: null, step, limit, cancellationToken);
    }

    /// <summary>
    /// Consumes a stream of reports (one watch, or several merged) to its end, advancing <paramref name="time"/> while it
    /// waits, and hands each report to <paramref name="onReport"/> before asking for the next (as a conductor would act on it).
    /// </summary>
    /// <param name="reports">The stream, e.g. <c>sentinel.WatchAsync(context, token)</c>.</param>
    /// <param name="time">The fake clock the stream's sentinel waits on.</param>
    /// <param name="onReport">Called with each report before the next is asked for; null for none.</param>
    /// <param name="step">How far time moves each time the stream waits; <see cref="DefaultStep"/> when null.</param>
    /// <param name="limit">The fake time after which the stream is given up; <see cref="DefaultLimit"/> when null.</param>
    /// <param name="cancellationToken">Passed to the stream's enumerator.</param>
    /// <returns>Every report of the stream, in order.</returns>
    /// <exception cref="TimeoutException">The stream did not end within <paramref name="limit"/> of fake time.</exception>
    public static async Task<IReadOnlyList<SentinelReport>> ConsumeToEndAsync(
        IAsyncEnumerable<SentinelReport> reports,
        FakeTimeProvider time,
        Func<SentinelReport, Task>? onReport,
        TimeSpan? step,
        TimeSpan? limit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(time);
        var stepLength = step ?? DefaultStep;
        var bound = limit ?? DefaultLimit;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stepLength, TimeSpan.Zero, nameof(step));
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, stepLength, nameof(limit));

        // Our own source, so that a watch given up can be stopped before its enumerator is disposed.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var enumerator = reports.GetAsyncEnumerator(stop.Token);
        var collected = new List<SentinelReport>();
        var advanced = TimeSpan.Zero;
        Task<bool>? pending = null;
        try
        {
            while (true)
            {
                pending = enumerator.MoveNextAsync().AsTask();
                while (!pending.IsCompleted)
                {
                    if (advanced >= bound)
                    {
                        throw await GiveUpAsync(pending, stop, collected, bound, stepLength).ConfigureAwait(false);
                    }

                    // The watch is waiting (a tick's delay, a retry's back-off): let time pass. We cannot know when
                    // its timer is armed, so we advance, then yield once to let continuations run, and look again.
                    time.Advance(stepLength);
                    advanced += stepLength;
                    if (!pending.IsCompleted)
                    {
                        await Task.Yield();
                    }
                }

                if (!await pending.ConfigureAwait(false))
                {
                    return collected;
                }

                pending = null;
                collected.Add(enumerator.Current);
                if (onReport is not null)
                {
                    await onReport(enumerator.Current).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            // Disposing an iterator while a MoveNextAsync is still running throws: leave such a one to its cancellation.
            if (pending is null || pending.IsCompleted)
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<TimeoutException> GiveUpAsync(
        Task<bool> pending, CancellationTokenSource stop, List<SentinelReport> collected, TimeSpan bound, TimeSpan step)
    {
        await stop.CancelAsync().ConfigureAwait(false);

        // A watch that honours cancellation ends at its next await; give it a few turns, never real time.
        for (var turn = 0; turn < 100 && !pending.IsCompleted; turn++)
        {
            await Task.Yield();
        }

        if (pending.IsCompleted)
        {
            _ = pending.Exception; // observed: the watch's own end (usually a cancellation) is not the news here
        }

        var last = collected.Count > 0 ? $"; the last: {collected[^1].Kind} ({collected[^1].Message})" : string.Empty;
        return new TimeoutException(
            $"The watch did not end within {bound} of fake time (advanced in steps of {step}); " +
            $"{collected.Count} report(s) so far{last}.");
    }
}
