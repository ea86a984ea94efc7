using System.Globalization;

namespace ExecutionSentinel;

/// <summary>Formats values for report messages the way a person reads them.</summary>
internal static class Format
{
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

    public static string Ratio(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string List(IReadOnlyList<string> items, int shown) =>
        items.Count <= shown ? string.Join(", ", items) : string.Join(", ", items.Take(shown)) + $" and {items.Count - shown} more";

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
