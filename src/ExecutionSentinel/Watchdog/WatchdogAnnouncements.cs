using System.Threading.Channels;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Reports that belong to no single watch (leader election failing) go to every watch running now, each through its own
/// unbounded queue: none is dropped, and a slow consumer holds back only its own watch.
/// </summary>
internal sealed class WatchdogAnnouncements
{
    private readonly object _lock = new();
    private readonly List<Channel<SentinelReport>> _listeners = [];

    /// <summary>Sends <paramref name="report"/> to every watch running now.</summary>
    public void Announce(SentinelReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_lock)
        {
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
        }

        return channel;
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
