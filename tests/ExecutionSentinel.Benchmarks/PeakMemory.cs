using System.Globalization;

namespace ExecutionSentinel.Benchmarks;

/// <summary>The process's peak resident set (VmHWM), as the kernel counts it: what a watcher process costs at most.</summary>
internal static class PeakMemory
{
    public static long PeakRssBytes() =>
        File.ReadLines("/proc/self/status")
            .Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024)
            .FirstOrDefault(-1);

    public static long PeakRssMiB() => PeakRssBytes() is var bytes and >= 0 ? bytes / (1024 * 1024) : -1;
}
