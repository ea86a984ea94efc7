using System.Text;
using System.Text.Json.Nodes;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// The little of Kubernetes' protobuf encoding the fake server reads: kubectl's typed commands post built-in kinds
/// (a SelfSubjectAccessReview for <c>kubectl auth can-i</c>, a Role for <c>kubectl create role</c>) as
/// <c>application/vnd.kubernetes.protobuf</c>, while accepting JSON back. The envelope (kubernetes.io/docs/reference/using-api/api-concepts, "Protobuf encoding") is the
/// magic <c>k8s\0</c> and a <c>runtime.Unknown</c>: typeMeta (1: apiVersion 1, kind 2), raw (2), contentEncoding (3),
/// contentType (4). Field numbers of the review come from authorization/v1's generated.proto (and were checked against
/// what kubectl 1.32 sends); so do those of the RBAC kinds (rbac/v1's generated.proto).
/// </summary>
internal static class KubeProtobuf
{
    public const string ContentType = "application/vnd.kubernetes.protobuf";

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    public static bool IsProtobuf(string? contentType) => contentType?.StartsWith(ContentType, StringComparison.Ordinal) == true;

    /// <summary>
    /// An object of a kind kubectl's typed commands post as protobuf (<c>kubectl auth can-i</c>, <c>kubectl create
    /// role|clusterrole|rolebinding|clusterrolebinding|serviceaccount</c>), as its JSON form; null for another kind.
    /// </summary>
    /// <exception cref="FormatException">Not protobuf-encoded.</exception>
    public static JsonObject? ReadObject(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new FormatException("the body does not start with the protobuf magic k8s\\0");
        }

        var envelope = new ProtoMessage(body.AsMemory(Magic.Length));
        var typeMeta = envelope.Message(1);
        var apiVersion = typeMeta.Text(1);
        var kind = typeMeta.Text(2);
        var raw = envelope.Message(2);
        var json = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        switch (apiVersion, kind)
        {
            case ("authorization.k8s.io/v1", "SelfSubjectAccessReview"):
                // metadata 1, spec 2 {resourceAttributes 1, nonResourceAttributes 2}, status 3.
                json["metadata"] = ObjectMeta(raw.Message(1));
                var spec = raw.Message(2);
                var specJson = new JsonObject();
                if (spec.Has(1))
                {
                    var attributes = spec.Message(1);
                    specJson["resourceAttributes"] = new JsonObject
                    {
                        ["namespace"] = attributes.Text(1),
                        ["verb"] = attributes.Text(2),
                        ["group"] = attributes.Text(3),
                        ["version"] = attributes.Text(4),
                        ["resource"] = attributes.Text(5),
                        ["subresource"] = attributes.Text(6),
                        ["name"] = attributes.Text(7),
                    };
                }

                if (spec.Has(2))
                {
                    var attributes = spec.Message(2);
                    specJson["nonResourceAttributes"] = new JsonObject { ["path"] = attributes.Text(1), ["verb"] = attributes.Text(2) };
                }

                json["spec"] = specJson;
                return json;
            case (ApiResource.RbacGroup + "/v1", "Role" or "ClusterRole"):
                // metadata 1, rules 2 {verbs 1, apiGroups 2, resources 3, resourceNames 4, nonResourceURLs 5}.
                json["metadata"] = ObjectMeta(raw.Message(1));
                json["rules"] = new JsonArray([.. raw.Messages(2).Select(rule => (JsonNode)Omit(new JsonObject
                {
                    ["verbs"] = Strings(rule, 1),
                    ["apiGroups"] = Strings(rule, 2),
                    ["resources"] = Strings(rule, 3),
                    ["resourceNames"] = Strings(rule, 4),
                    ["nonResourceURLs"] = Strings(rule, 5),
                }))]);
                return json;
            case (ApiResource.RbacGroup + "/v1", "RoleBinding" or "ClusterRoleBinding"):
                // metadata 1, subjects 2 {kind 1, apiGroup 2, name 3, namespace 4}, roleRef 3 {apiGroup 1, kind 2, name 3}.
                json["metadata"] = ObjectMeta(raw.Message(1));
                json["subjects"] = new JsonArray([.. raw.Messages(2).Select(subject => (JsonNode)Omit(new JsonObject
                {
                    ["kind"] = subject.Text(1),
                    ["apiGroup"] = subject.Text(2),
                    ["name"] = subject.Text(3),
                    ["namespace"] = subject.Text(4),
                }))]);
                var roleRef = raw.Message(3);
                json["roleRef"] = new JsonObject { ["apiGroup"] = roleRef.Text(1), ["kind"] = roleRef.Text(2), ["name"] = roleRef.Text(3) };
                return json;
            case ("v1", "ServiceAccount"):
                // metadata 1 (secrets 2, imagePullSecrets 3, automountServiceAccountToken 4: not used here).
                json["metadata"] = ObjectMeta(raw.Message(1));
                return json;
            default:
                return null;
        }
    }

    /// <summary>ObjectMeta: name 1, generateName 2, namespace 3, labels 11, annotations 12 (map entries: key 1, value 2).</summary>
    private static JsonObject ObjectMeta(ProtoMessage metadata) => Omit(new JsonObject
    {
        ["name"] = metadata.Text(1),
        ["generateName"] = metadata.Text(2),
        ["namespace"] = metadata.Text(3),
        ["labels"] = Map(metadata, 11),
        ["annotations"] = Map(metadata, 12),
    });

    private static JsonObject? Map(ProtoMessage message, int number)
    {
        var entries = message.Messages(number).ToList();
        if (entries.Count == 0)
        {
            return null;
        }

        var map = new JsonObject();
        foreach (var entry in entries)
        {
            map[entry.Text(1)] = entry.Text(2);
        }

        return map;
    }

    private static JsonArray Strings(ProtoMessage message, int number) => new([.. message.Texts(number).Select(t => (JsonNode)t)]);

    /// <summary>Drops what protobuf cannot tell from absent (empty strings and lists), as the JSON form omits it.</summary>
    private static JsonObject Omit(JsonObject json)
    {
        foreach (var (name, value) in json.ToList())
        {
            if (value is null || (value is JsonArray { Count: 0 }) || (value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length == 0))
            {
                json.Remove(name);
            }
        }

        return json;
    }

    /// <summary>A protobuf message's length-delimited fields by number, in order (varint and fixed fields are skipped).</summary>
    private sealed class ProtoMessage
    {
        private readonly List<(int Number, ReadOnlyMemory<byte> Bytes)> _fields = [];

        public ProtoMessage(ReadOnlyMemory<byte> message)
        {
            var i = 0;
            while (i < message.Length)
            {
                var key = Varint(message.Span, ref i);
                var number = (int)(key >> 3);
                switch (key & 7)
                {
                    case 0:
                        Varint(message.Span, ref i);
                        break;
                    case 1:
                        i += 8;
                        break;
                    case 2:
                        var length = (int)Varint(message.Span, ref i);
                        if (length < 0 || i + length > message.Length)
                        {
                            throw new FormatException("a protobuf field runs past the end of its message");
                        }

                        _fields.Add((number, message.Slice(i, length)));
                        i += length;
                        break;
                    case 5:
                        i += 4;
                        break;
                    default:
                        throw new FormatException($"unsupported protobuf wire type {key & 7}");
                }
            }

            if (i > message.Length)
            {
                throw new FormatException("a protobuf field runs past the end of its message");
            }
        }

        public bool Has(int number) => _fields.Exists(f => f.Number == number);

        public ProtoMessage Message(int number) => new(Last(number));

        public IEnumerable<ProtoMessage> Messages(int number) => _fields.Where(f => f.Number == number).Select(f => new ProtoMessage(f.Bytes));

        public string Text(int number) => Encoding.UTF8.GetString(Last(number).Span);

        public IEnumerable<string> Texts(int number) => _fields.Where(f => f.Number == number).Select(f => Encoding.UTF8.GetString(f.Bytes.Span));

        private ReadOnlyMemory<byte> Last(int number) => _fields.LastOrDefault(f => f.Number == number).Bytes;
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (i >= data.Length)
            {
                throw new FormatException("a protobuf varint runs past the end of its message");
            }

            var b = data[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("a protobuf varint is too long");
    }
}
