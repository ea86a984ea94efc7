using System.Reflection;
using ExecutionSentinel.Watchdog;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// The report kinds an <c>--act KIND=ACTION</c> may name, and the closest one to a misspelt kind. The library knows the
/// same list (its <c>KnownReportKinds</c>, internal to it), but checks it only when the watchdog is built, after the
/// kubeconfig was read and the cluster reached: a typo would cost a connection, or be hidden behind an unreachable
/// cluster. The tool checks it with the other flags, before anything else. The tool has no flag for a custom
/// detector's kinds, so every kind an <c>--act</c> names must be one of these.
/// </summary>
internal static class ReportKindNames
{
    /// <summary>The built-in kinds of the sentinel and the watchdog, sorted: the public properties of their kind classes.</summary>
    public static IReadOnlyList<string> Known { get; } =
        [.. new[] { typeof(ReportKind), typeof(WatchdogReportKinds) }
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Static))
            .Where(p => p.PropertyType == typeof(ReportKind))
            .Select(p => ((ReportKind)p.GetValue(null)!).Name)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    public static bool IsKnown(string kind) => Known.Contains(kind, StringComparer.Ordinal);

    /// <summary>
    /// The known kind nearest to <paramref name="kind"/>, at most two edits away, for a "did you mean"; case and
    /// underscores are forgiven first (<c>OOM_KILL</c> means <c>oom-kill</c>), as the names are kebab-case.
    /// </summary>
    public static string? Closest(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var normalised = kind.Trim().ToLowerInvariant().Replace('_', '-');
        return Known
            .Select(known => (known, distance: Distance(known, normalised)))
            .Where(c => c.distance <= 2)
            .OrderBy(c => c.distance)
            .ThenBy(c => c.known, StringComparer.Ordinal)
            .Select(c => c.known)
            .FirstOrDefault();
    }

    /// <summary>The Levenshtein distance, or <see cref="int.MaxValue"/> when the lengths alone differ by more than two.</summary>
    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2)
        {
            return int.MaxValue;
        }

        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
