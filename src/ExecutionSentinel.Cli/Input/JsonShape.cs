using System.Text;
using System.Text.Json;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// What <see cref="JsonDocument"/> lets pass in well-formed JSON but a context file must not have: a key twice in one
/// object (the last would silently win) and a string escaping half a surrogate pair (not text). Each is named by its
/// path and its line and column.
/// </summary>
internal static class JsonShape
{
    private const int MaxProblems = 20;

    /// <summary>Finds the problems of well-formed JSON (parse it first): phrases such as "duplicate key '$.a' at line 2, column 3".</summary>
    public static List<string> FindProblems(ReadOnlySpan<byte> utf8)
    {
        var problems = new List<string>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var containers = new List<Container>();
        while (problems.Count < MaxProblems && reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    containers.Add(new Container(Path(containers), reader.TokenType == JsonTokenType.StartObject));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    containers.RemoveAt(containers.Count - 1);
                    Advance(containers);
                    break;
                case JsonTokenType.PropertyName:
                    var current = containers[^1];
                    if (!TryGetString(ref reader, out var name))
                    {
                        problems.Add($"key that is not valid Unicode (an escaped lone surrogate) in '{current.Path}' at {Where(utf8, reader.TokenStartIndex)}");
                        name = "\uFFFD";
                    }

                    current.Key = name;
                    if (!current.Keys.Add(name))
                    {
                        problems.Add($"duplicate key '{Path(containers)}' at {Where(utf8, reader.TokenStartIndex)} (each key may appear once)");
                    }

                    break;
                default:
                    if (reader.TokenType == JsonTokenType.String && !TryGetString(ref reader, out _))
                    {
                        problems.Add($"string that is not valid Unicode (an escaped lone surrogate) at '{Path(containers)}', {Where(utf8, reader.TokenStartIndex)}");
                    }

                    Advance(containers);
                    break;
            }
        }

        return problems;
    }

    private static bool TryGetString(ref Utf8JsonReader reader, out string value)
    {
        try
        {
            value = reader.GetString() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            value = "";
            return false;
        }
    }

    /// <summary>After a value: the next element of an array.</summary>
    private static void Advance(List<Container> containers)
    {
        if (containers.Count > 0 && !containers[^1].IsObject)
        {
            containers[^1].Index++;
        }
    }

    private static string Path(List<Container> containers)
    {
        var path = new StringBuilder("$");
        foreach (var container in containers)
        {
            if (!container.IsObject)
            {
                path.Append('[').Append(container.Index).Append(']');
            }
            else if (container.Key is { } key)
            {
                path.Append(IsPlain(key) ? "." + key : $"['{JsonEncodedText.Encode(key)}']");
            }
        }

        return path.ToString();
    }

    private static bool IsPlain(string key) => key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static string Where(ReadOnlySpan<byte> utf8, long offset)
    {
        var (line, column) = ContextFile.Position(utf8, offset);
        return $"line {line}, column {column}";
    }

    private sealed class Container(string path, bool isObject)
    {
        public string Path { get; } = path;

        public bool IsObject { get; } = isObject;

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public string? Key { get; set; }

        public int Index { get; set; }
    }
}
