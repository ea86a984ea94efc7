using System.Text.Json.Serialization;

namespace ExecutionSentinel.Kubernetes.Mapping.Wire;

/// <summary>
/// The source-generated reader of the wire classes: no reflection, and unknown members (most of an object) are skipped.
/// Kubernetes writes camelCase names.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(WireList<WirePod>))]
[JsonSerializable(typeof(WireList<WireJob>))]
[JsonSerializable(typeof(WireWatchEvent<WirePod>))]
[JsonSerializable(typeof(WireWatchEvent<WireJob>))]
[JsonSerializable(typeof(WireWatchEvent<WireStatus>))]
internal sealed partial class WireJson : JsonSerializerContext;
