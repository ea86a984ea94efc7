using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ExecutionSentinel.FakeKube;

/// <summary>JSON as the API server writes it: compact, quotes and angle brackets left as they are.</summary>
internal static class Json
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode node) => node.ToJsonString(Options);
}

/// <summary>
/// <c>metav1.Time</c> as a real server writes it: RFC 3339 in UTC with <c>Z</c>, whole seconds (the fraction is dropped).
/// MicroTime fields (a Lease's acquire and renew times) keep their microseconds.
/// </summary>
public static class KubeTime
{
    private static readonly HashSet<string> TimeFields = new(StringComparer.Ordinal)
    {
        "creationTimestamp", "deletionTimestamp", "startTime", "completionTime", "lastTransitionTime", "lastProbeTime",
        "lastUpdateTime", "startedAt", "finishedAt", "lastHeartbeatTime", "lastScheduleTime", "lastSuccessfulTime", "time",
    };

    public static string Format(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Rewrites every metav1.Time in an object to whole seconds.</summary>
    public static void Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (TimeFields.Contains(name) && value is JsonValue v && v.TryGetValue<string>(out var text)
                        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                    {
                        obj[name] = Format(time);
                    }
                    else
                    {
                        Normalize(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Normalize(item);
                }

                break;
        }
    }
}
