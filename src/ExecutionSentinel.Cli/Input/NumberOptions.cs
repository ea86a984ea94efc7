using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// Numeric options whose parse errors name the option and what it wants, not a .NET type
/// ("Cannot parse argument 'soon' for option '--poll' of type 'System.Nullable`1[System.Double]'").
/// Ranges are checked after parsing, where the variables that stand in for the flags are checked too.
/// </summary>
internal static class NumberOptions
{
    public static Option<double?> Seconds(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => TryParse(result, out var value) ? value : Refuse<double?>(result, name, "a number of seconds"),
    };

    public static Option<double> Number(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => TryParse(result, out var value) ? value : Refuse<double>(result, name, "a number"),
    };

    public static Option<int> Integer(string name, string description, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => int.TryParse(Text(result), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : Refuse<int>(result, name, "a whole number"),
    };

    private static bool TryParse(ArgumentResult result, out double value) =>
        double.TryParse(Text(result), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static string Text(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static T Refuse<T>(ArgumentResult result, string name, string what)
    {
        result.AddError($"{name} must be {what} (was '{Text(result)}').");
        return default!;
    }
}
