using System.Globalization;

namespace ExecutionSentinel;

/// <summary>Collects every bad option of one section, each named by its full configuration key.</summary>
internal sealed class OptionFailures(string section) : List<string>
{
    public void Add(string key, string rule, object? value) =>
        Add(string.Create(CultureInfo.InvariantCulture, $"{section}:{key} {rule} (was {value ?? "null"})."));

    public void RequirePositive(TimeSpan value, string key)
    {
        if (value <= TimeSpan.Zero)
        {
            Add(key, "must be greater than zero", value);
        }
    }

    /// <summary>Requires a duration above zero and at most <paramref name="max"/>.</summary>
    public void RequirePositive(TimeSpan value, string key, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            Add(key, $"must be greater than zero and at most {Show(max)}", value);
        }
    }

    /// <summary>Requires a duration from <paramref name="min"/> to <paramref name="max"/>, both included.</summary>
    public void RequireBetween(TimeSpan value, string key, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            Add(key, $"must be from {Show(min)} to {Show(max)}", value);
        }
    }

    /// <summary>A bound as people write it: 100 ms, 90 s, 5 min, 1 h, 30 days.</summary>
    public static string Show(TimeSpan bound) => bound switch
    {
        { Ticks: 0 } => "0",
        _ when bound.Ticks % TimeSpan.TicksPerDay == 0 => string.Create(CultureInfo.InvariantCulture, $"{bound.Days} day{(bound.Days == 1 ? "" : "s")}"),
        _ when bound.Ticks % TimeSpan.TicksPerHour == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)bound.TotalHours} h"),
        _ when bound.Ticks % TimeSpan.TicksPerMinute == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)bound.TotalMinutes} min"),
        _ when bound.Ticks % TimeSpan.TicksPerSecond == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)bound.TotalSeconds} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bound.TotalMilliseconds} ms"),
    };
}
