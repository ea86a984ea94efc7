using System.CommandLine;
using System.CommandLine.Parsing;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// Enumeration values by name only. <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/> also takes numbers
/// (<c>--interventions 2</c> would mean Enabled, <c>--act straggler=99</c> an action that does not exist) and
/// comma-separated combinations; a user means a name, so nothing else is accepted.
/// </summary>
internal static class EnumNames
{
    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        var trimmed = text?.Trim();
        foreach (var name in Enum.GetNames<TEnum>())
        {
            if (string.Equals(name, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                value = Enum.Parse<TEnum>(name);
                return true;
            }
        }

        value = default;
        return false;
    }

    public static string List<TEnum>()
        where TEnum : struct, Enum => string.Join(", ", Enum.GetNames<TEnum>());

    /// <summary>An option of an enumeration that takes its names only, naming the option and the choices when given anything else.</summary>
    public static Option<TEnum> Option<TEnum>(string name, string description, TEnum defaultValue)
        where TEnum : struct, Enum => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => Parse<TEnum>(result, name),
        };

    private static TEnum Parse<TEnum>(ArgumentResult result, string option)
        where TEnum : struct, Enum
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (TryParse<TEnum>(text, out var value))
        {
            return value;
        }

        result.AddError($"{option} must be one of {List<TEnum>()} (was '{text}').");
        return default;
    }
}
