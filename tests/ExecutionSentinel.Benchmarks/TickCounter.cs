using ExecutionSentinel.Detection;

namespace ExecutionSentinel.Benchmarks;

/// <summary>Counts a watch's ticks: every tick runs every detector once.</summary>
internal sealed class TickCounter : IAnomalyDetector
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public string Name => "tick-counter";

    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        Interlocked.Increment(ref _count);
        return [];
    }
}
