using System.Threading.Channels;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Reports that belong to no single watch (leader election failing) go to every watch running now, each through its own
/// unbounded queue: none is dropped, and a slow consumer holds back only its own watch. An announcement stands until it is
/// withdrawn (the election works again): a watch that starts meanwhile is told it first.
/// </summary>
internal sealed class WatchdogAnnouncements
{
    private readonly object _lock = new();
    private readonly List<Channel<SentinelReport>> _listeners = [];
    private SentinelReport? _standing;

    /// <summary>Sends <paramref name="report"/> to every watch running now.</summary>
    public void Announce(SentinelReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_lock)
        {
            _standing = report;
            foreach (var listener in _listeners)
            {
                listener.Writer.TryWrite(report); // Unbounded: always accepted.
            }
        }
    }

    /// <summary>A queue of the announcements made from now on, until <see cref="Stop"/>.</summary>
    public Channel<SentinelReport> Listen()
    {
        var channel = Channel.CreateUnbounded<SentinelReport>(new UnboundedChannelOptions { SingleReader = false });
        lock (_lock)
        {
            _listeners.Add(channel);
            if (_standing is { } standing)
            {
                channel.Writer.TryWrite(standing);
            }
        }

        return channel;
    }

    /// <summary>The standing announcement no longer holds: watches that start from now on are not told it.</summary>
    public void Withdraw()
    {
        lock (_lock)
        {
            _standing = null;
        }
    }

    /// <summary>Stops sending to <paramref name="channel"/>.</summary>
    public void Stop(Channel<SentinelReport> channel)
    {
        lock (_lock)
        {
            _listeners.Remove(channel);
        }

        channel.Writer.TryComplete();
    }
}
