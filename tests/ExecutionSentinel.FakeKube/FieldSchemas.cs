using System.Text.Json.Nodes;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// The fields the API server knows, for the kinds whose fields the fake server checks (ServiceAccount and the four RBAC
/// kinds, from the core/v1 and rbac/v1 API reference), and what it does with the others, by the request's
/// <c>fieldValidation</c>: <c>Strict</c> refuses the object (400, <c>strict decoding error: unknown field "rules[0].x"</c>),
/// <c>Warn</c> (the default) and <c>Ignore</c> drop them, <c>Warn</c> with a <c>Warning</c> header per field. A field
/// kubectl does not know is caught by the server that way, because the fake server's OpenAPI documents declare the
/// <c>fieldValidation</c> parameter and no schemas (see <see cref="Discovery.OpenApi"/>). Kinds without a shape here are
/// stored as sent.
/// </summary>
public static class FieldSchemas
{
    private static readonly Shape Metadata = Shape.Of(
        ("name", Shape.Any), ("generateName", Shape.Any), ("namespace", Shape.Any), ("selfLink", Shape.Any), ("uid", Shape.Any),
        ("resourceVersion", Shape.Any), ("generation", Shape.Any), ("creationTimestamp", Shape.Any), ("deletionTimestamp", Shape.Any),
        ("deletionGracePeriodSeconds", Shape.Any), ("labels", Shape.Any), ("annotations", Shape.Any), ("finalizers", Shape.Any),
        ("ownerReferences", Shape.Of(("apiVersion", Shape.Any), ("kind", Shape.Any), ("name", Shape.Any), ("uid", Shape.Any), ("controller", Shape.Any), ("blockOwnerDeletion", Shape.Any))),
        ("managedFields", Shape.Of(("manager", Shape.Any), ("operation", Shape.Any), ("apiVersion", Shape.Any), ("time", Shape.Any), ("fieldsType", Shape.Any), ("fieldsV1", Shape.Any), ("subresource", Shape.Any))));

    private static readonly Shape PolicyRule = Shape.Of(
        ("verbs", Shape.Any), ("apiGroups", Shape.Any), ("resources", Shape.Any), ("resourceNames", Shape.Any), ("nonResourceURLs", Shape.Any));

    private static readonly Shape LabelSelector = Shape.Of(
        ("matchLabels", Shape.Any), ("matchExpressions", Shape.Of(("key", Shape.Any), ("operator", Shape.Any), ("values", Shape.Any))));

    private static readonly Shape Binding = Shape.Of(
        ("apiVersion", Shape.Any), ("kind", Shape.Any), ("metadata", Metadata),
        ("subjects", Shape.Of(("kind", Shape.Any), ("apiGroup", Shape.Any), ("name", Shape.Any), ("namespace", Shape.Any))),
        ("roleRef", Shape.Of(("apiGroup", Shape.Any), ("kind", Shape.Any), ("name", Shape.Any))));

    private static readonly Dictionary<ApiResource, Shape> Shapes = new()
    {
        [ApiResource.ServiceAccounts] = Shape.Of(
            ("apiVersion", Shape.Any), ("kind", Shape.Any), ("metadata", Metadata),
            ("secrets", Shape.Of(("apiVersion", Shape.Any), ("kind", Shape.Any), ("name", Shape.Any), ("namespace", Shape.Any), ("uid", Shape.Any), ("resourceVersion", Shape.Any), ("fieldPath", Shape.Any))),
            ("imagePullSecrets", Shape.Of(("name", Shape.Any))),
            ("automountServiceAccountToken", Shape.Any)),
        [ApiResource.Roles] = Shape.Of(("apiVersion", Shape.Any), ("kind", Shape.Any), ("metadata", Metadata), ("rules", PolicyRule)),
        [ApiResource.ClusterRoles] = Shape.Of(
            ("apiVersion", Shape.Any), ("kind", Shape.Any), ("metadata", Metadata), ("rules", PolicyRule),
            ("aggregationRule", Shape.Of(("clusterRoleSelectors", LabelSelector)))),
        [ApiResource.RoleBindings] = Binding,
        [ApiResource.ClusterRoleBindings] = Binding,
    };

    /// <summary>Removes the fields the kind does not have and returns their paths (<c>rules[0].resourceName</c>), in order.</summary>
    public static IReadOnlyList<string> DropUnknown(ApiResource api, JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(json);
        var unknown = new List<string>();
        if (Shapes.TryGetValue(api, out var shape))
        {
            shape.Drop(json, "", unknown);
        }

        return unknown;
    }

    /// <summary>What fields an object (or each object of an array) may have; <see cref="Any"/> takes anything.</summary>
    private sealed class Shape(Dictionary<string, Shape>? fields)
    {
        public static Shape Any { get; } = new(null);

        public static Shape Of(params (string Name, Shape Shape)[] fields) => new(fields.ToDictionary(f => f.Name, f => f.Shape, StringComparer.Ordinal));

        public void Drop(JsonNode? node, string path, List<string> unknown)
        {
            if (fields is null)
            {
                return;
            }

            switch (node)
            {
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        Drop(array[i], $"{path}[{i}]", unknown);
                    }

                    break;
                case JsonObject obj:
                    foreach (var (name, value) in obj.ToList())
                    {
                        var at = path.Length == 0 ? name : path + "." + name;
                        if (fields.TryGetValue(name, out var inner))
                        {
                            inner.Drop(value, at, unknown);
                        }
                        else
                        {
                            unknown.Add(at);
                            obj.Remove(name);
                        }
                    }

                    break;
            }
        }
    }
}
