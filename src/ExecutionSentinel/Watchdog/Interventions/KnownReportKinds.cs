using System.Reflection;

namespace ExecutionSentinel.Watchdog;

/// <summary>The report kinds built into the sentinel and the watchdog, by name: what a policy may name without declaring it.</summary>
internal static class KnownReportKinds
{
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(
        new[] { typeof(ReportKind), typeof(WatchdogReportKinds) }
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Static))
            .Where(p => p.PropertyType == typeof(ReportKind))
            .Select(p => ((ReportKind)p.GetValue(null)!).Name),
        StringComparer.Ordinal);

    /// <summary>The known kind nearest to <paramref name="name"/> (at most two edits away), for a "did you mean".</summary>
    public static string? Closest(string name) =>
        Names.Select(known => (known, distance: Distance(known, name))).Where(c => c.distance <= 2).OrderBy(c => c.distance).ThenBy(c => c.known, StringComparer.Ordinal)
            .Select(c => c.known).FirstOrDefault();

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
