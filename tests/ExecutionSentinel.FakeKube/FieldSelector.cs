using System.Text;
using System.Text.Json.Nodes;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// A field selector as the API server takes it: terms joined by commas (<c>\</c> escapes <c>,</c>, <c>=</c>, <c>!</c>
/// and <c>\</c>), each <c>field=value</c>, <c>field==value</c> or <c>field!=value</c>, ANDed; only the fields the kind
/// declares selectable (<see cref="ApiResource.SelectableFields"/>), else "field label not supported".
/// </summary>
public sealed class FieldSelector
{
    private readonly IReadOnlyList<(string Field, bool Equal, string Value)> _terms;

    private FieldSelector(IReadOnlyList<(string Field, bool Equal, string Value)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public bool IsEmpty => _terms.Count == 0;

    public static bool TryParse(string? text, ApiResource resource, out FieldSelector selector, out string error)
    {
        ArgumentNullException.ThrowIfNull(resource);
        selector = Everything;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var terms = new List<(string, bool, string)>();
        foreach (var term in SplitUnescaped(text, ','))
        {
            if (term.Length == 0)
            {
                continue;
            }

            if (!TrySplitTerm(term, out var field, out var equal, out var escaped))
            {
                error = $"invalid selector: '{text}'; can't understand '{term}'";
                return false;
            }

            if (!TryUnescape(escaped, out var value))
            {
                error = $"invalid field selector value: '{escaped}'";
                return false;
            }

            if (!resource.SelectableFields.Contains(field))
            {
                error = $"field label not supported: {field}";
                return false;
            }

            terms.Add((field, equal, value));
        }

        selector = terms.Count == 0 ? Everything : new FieldSelector(terms);
        return true;
    }

    public bool Matches(StoredObject item)
    {
        ArgumentNullException.ThrowIfNull(item);
        foreach (var (field, equal, value) in _terms)
        {
            if (string.Equals(ValueOf(item.Node, field), value, StringComparison.Ordinal) != equal)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The value a selectable field has on an object, as the server's field set gives it.</summary>
    internal static string ValueOf(JsonObject node, string field) => field switch
    {
        "metadata.name" => (string?)node["metadata"]?["name"] ?? "",
        "metadata.namespace" => (string?)node["metadata"]?["namespace"] ?? "",
        "spec.hostNetwork" => node["spec"]?["hostNetwork"]?.GetValue<bool>() == true ? "true" : "false",
        "status.podIPs" => (string?)node["status"]?["podIP"] ?? "",
        "status.successful" => (node["status"]?["succeeded"]?.GetValue<int>() ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Walk(node, field),
    };

    private static string Walk(JsonObject node, string field)
    {
        JsonNode? at = node;
        foreach (var part in field.Split('.'))
        {
            at = at?[part];
        }

        return at is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
    }

    private static IEnumerable<string> SplitUnescaped(string text, char separator)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == separator)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static bool TrySplitTerm(string term, out string field, out bool equal, out string value)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (term[i] == '\\')
            {
                i++;
                continue;
            }

            foreach (var (op, isEqual) in new[] { ("!=", false), ("==", true), ("=", true) })
            {
                if (string.CompareOrdinal(term, i, op, 0, op.Length) == 0)
                {
                    field = term[..i];
                    equal = isEqual;
                    value = term[(i + op.Length)..];
                    return true;
                }
            }
        }

        field = value = "";
        equal = false;
        return false;
    }

    private static bool TryUnescape(string escaped, out string value)
    {
        var builder = new StringBuilder(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            var c = escaped[i];
            if (c == '\\')
            {
                if (++i == escaped.Length || escaped[i] is not ('\\' or ',' or '=' or '!'))
                {
                    value = "";
                    return false;
                }

                builder.Append(escaped[i]);
            }
            else if (c is ',' or '=')
            {
                value = "";
                return false;
            }
            else
            {
                builder.Append(c);
            }
        }

        value = builder.ToString();
        return true;
    }
}
