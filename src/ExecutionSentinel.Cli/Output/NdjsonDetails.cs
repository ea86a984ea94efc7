using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ExecutionSentinel.Cli.Output;

/// <summary>
/// A report's <see cref="SentinelReport.Details"/> (strings keyed in camelCase, as the detectors write them) as the
/// NDJSON <c>details</c> object: snake_case keys and typed values. The built-in keys have a declared type; a key of a
/// custom detector becomes a number or a boolean only when its text is exactly one (<c>42</c>, <c>0.5</c>, <c>true</c>),
/// so that <c>007</c> or <c>1e3</c> stay the strings they were.
/// </summary>
internal static class NdjsonDetails
{
    /// <summary>How a value is written.</summary>
    internal enum DetailType
    {
        /// <summary>A JSON string.</summary>
        Text,

        /// <summary>A JSON integer (counts, attempts, exit and status codes).</summary>
        Integer,

        /// <summary>A JSON number (seconds, ratios, multipliers).</summary>
        Number,

        /// <summary>A JSON boolean.</summary>
        Boolean,

        /// <summary>An ISO 8601 time, as a JSON string.</summary>
        Time,

        /// <summary>A comma-separated list of names, as a JSON array of strings.</summary>
        Names,
    }

    /// <summary>The keys the built-in detectors and the watchdog write, and their types (docs/cli.md lists them).</summary>
    internal static readonly IReadOnlyDictionary<string, DetailType> Known = new Dictionary<string, DetailType>(StringComparer.Ordinal)
    {
        // Integers.
        ["attempt"] = DetailType.Integer,
        ["attempts"] = DetailType.Integer,
        ["attempted"] = DetailType.Integer,
        ["completedDelta"] = DetailType.Integer,
        ["consecutiveFailures"] = DetailType.Integer,
        ["count"] = DetailType.Integer,
        ["exitCode"] = DetailType.Integer,
        ["failed"] = DetailType.Integer,
        ["failedDelta"] = DetailType.Integer,
        ["jobs"] = DetailType.Integer,
        ["lost"] = DetailType.Integer,
        ["neverStarted"] = DetailType.Integer,
        ["running"] = DetailType.Integer,
        ["samples"] = DetailType.Integer,
        ["statusCode"] = DetailType.Integer,
        ["tasks"] = DetailType.Integer, // phase-completed: the type's task count; oom-risk: names (below).
        ["unknownTasks"] = DetailType.Integer,

        // Numbers: durations in seconds, ratios.
        ["durationSeconds"] = DetailType.Number,
        ["elapsedSeconds"] = DetailType.Number,
        ["expectedSeconds"] = DetailType.Number,
        ["outageSeconds"] = DetailType.Number,
        ["pendingSeconds"] = DetailType.Number,
        ["quietSeconds"] = DetailType.Number,
        ["silentSeconds"] = DetailType.Number,
        ["failedRatio"] = DetailType.Number,
        ["multiplier"] = DetailType.Number,
        ["ratio"] = DetailType.Number,
        ["threshold"] = DetailType.Number,
        ["thresholdSeconds"] = DetailType.Number,

        // Booleans and times.
        ["everObserved"] = DetailType.Boolean,
        ["since"] = DetailType.Time,

        // Strings, even when they look like numbers (a signal file's raw content may be "0").
        ["action"] = DetailType.Text,
        ["detector"] = DetailType.Text,
        ["error"] = DetailType.Text,
        ["exception"] = DetailType.Text,
        ["execution"] = DetailType.Text,
        ["exitCodeInferredFrom"] = DetailType.Text,
        ["expectedFrom"] = DetailType.Text,
        ["finding"] = DetailType.Text,
        ["job"] = DetailType.Text,
        ["kind"] = DetailType.Text,
        ["lastPhase"] = DetailType.Text,
        ["lease"] = DetailType.Text,
        ["level"] = DetailType.Text,
        ["memoryLimit"] = DetailType.Text,
        ["namespace"] = DetailType.Text,
        ["node"] = DetailType.Text,
        ["outcome"] = DetailType.Text,
        ["raw"] = DetailType.Text,
        ["reason"] = DetailType.Text,
        ["resource"] = DetailType.Text,
        ["runner"] = DetailType.Text,
        ["schedulingFailure"] = DetailType.Text,
        ["taskType"] = DetailType.Text,
        ["uid"] = DetailType.Text,
        ["verb"] = DetailType.Text,
        ["workflow"] = DetailType.Text,
    };

    /// <summary>The type of one key of one kind's details; <see langword="null"/> for a key no built-in writes.</summary>
    public static DetailType? TypeOf(ReportKind kind, string key) =>
        kind == ReportKind.OomRisk && key == "tasks" ? DetailType.Names // The tasks at risk, not a count.
        : Known.TryGetValue(key, out var type) ? type
        : null;

    /// <summary>The details object of one report, in the report's order of keys.</summary>
    public static Dictionary<string, JsonNode?> For(ReportKind kind, IReadOnlyDictionary<string, string> details)
    {
        var typed = new Dictionary<string, JsonNode?>(details.Count, StringComparer.Ordinal);
        foreach (var (key, value) in details)
        {
            // First wins if two keys meet in snake_case ("exitCode" and "exit_code"): a line never has a key twice.
            typed.TryAdd(JsonNamingPolicy.SnakeCaseLower.ConvertName(key), Value(TypeOf(kind, key), value));
        }

        return typed;
    }

    private static JsonNode? Value(DetailType? type, string text) => type switch
    {
        DetailType.Integer when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
        DetailType.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) => JsonValue.Create(number),
        DetailType.Boolean when bool.TryParse(text, out var boolean) => JsonValue.Create(boolean),
        DetailType.Names => new JsonArray([.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(name => (JsonNode?)JsonValue.Create(name))]),
        null => Guess(text),
        _ => JsonValue.Create(text), // Text, Time, and a declared number that is not one: said as it was.
    };

    /// <summary>A custom detector's value: a number or a boolean only when the text is exactly how one is written.</summary>
    private static JsonNode? Guess(string text)
    {
        if (text is "true" or "false")
        {
            return JsonValue.Create(text == "true");
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            && integer.ToString(CultureInfo.InvariantCulture) == text)
        {
            return JsonValue.Create(integer);
        }

        if (double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number)
            && number.ToString(CultureInfo.InvariantCulture) == text)
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }
}
