using System.Globalization;

namespace ExecutionSentinel.Detection;

/// <summary>
/// The built-in detectors' wording of values in report messages and details, for plug-ins that want to read the same:
/// durations as a person reads them, seconds and ratios with invariant decimals, short lists.
/// </summary>
public static class ReportText
{
    /// <summary>A duration as a person reads it: <c>4.2 s</c>, <c>45 s</c>, <c>3 min 5 s</c>, <c>2 h 10 min</c>; negative is 0 s.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The text.</returns>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        if (duration < TimeSpan.FromSeconds(10))
        {
            return duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
        }

        if (duration < TimeSpan.FromMinutes(1))
        {
            return ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s";
        }

        if (duration < TimeSpan.FromHours(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes} min {duration.Seconds} s");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours} h {duration.Minutes} min");
    }

    /// <summary>A number with at most two decimals, invariant: <c>3</c>, <c>0.33</c>.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The text.</returns>
    public static string Ratio(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>The first <paramref name="shown"/> items joined by commas, then how many more: <c>a, b and 3 more</c>.</summary>
    /// <param name="items">The items.</param>
    /// <param name="shown">How many to name.</param>
    /// <returns>The text.</returns>
    public static string List(IReadOnlyList<string> items, int shown)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.Count <= shown
            ? string.Join(", ", items)
            : string.Join(", ", items.Take(shown)) + string.Create(CultureInfo.InvariantCulture, $" and {items.Count - shown} more");
    }

    /// <summary>A duration in seconds with at most three decimals, invariant, for report details: <c>196</c>, <c>0.1</c>.</summary>
    /// <param name="value">The duration.</param>
    /// <returns>The text.</returns>
    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
