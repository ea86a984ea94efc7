using ExecutionSentinel.Watchdog;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// The report kinds <c>--act</c> may name, checked with the tool's other flags, before the kubeconfig or the cluster is
/// touched: the library's own list and "did you mean" (<c>KnownReportKinds</c>), which the watchdog checks only when it
/// is built. The tool forgives case and underscores first (<c>OOM_KILL</c> means <c>oom-kill</c>).
/// </summary>
internal static class ReportKindNames
{
    /// <summary>The built-in kinds of the sentinel and the watchdog, sorted.</summary>
    public static IReadOnlyList<string> Known { get; } = [.. KnownReportKinds.Names.Order(StringComparer.Ordinal)];

    public static bool IsKnown(string kind) => KnownReportKinds.Names.Contains(kind);

    /// <summary>The known kind nearest to <paramref name="kind"/>, at most two edits away, for a "did you mean".</summary>
    public static string? Closest(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return KnownReportKinds.Closest(kind.Trim().ToLowerInvariant().Replace('_', '-'));
    }
}
