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
}
