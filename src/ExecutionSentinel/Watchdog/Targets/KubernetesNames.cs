using System.Text.RegularExpressions;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Kubernetes names as the API server accepts them (DNS-1123), checked before a name goes into a request URL: the
/// client escapes nothing, so a name holding <c>/</c>, <c>..</c> or <c>%2F</c> would address another object, or another
/// namespace. A name that fails here never reaches the cluster. (<c>\z</c>, not <c>$</c>: <c>$</c> accepts a trailing newline.)
/// </summary>
internal static partial class KubernetesNames
{
    /// <summary>The longest DNS-1123 label: namespaces, and Job names (a Job's name becomes its pods' <c>job-name</c> label).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>The longest DNS-1123 subdomain: most object names (Leases).</summary>
    public const int MaxSubdomainLength = 253;

    /// <summary>Whether <paramref name="name"/> is a valid namespace name (DNS-1123 label).</summary>
    public static bool IsNamespace(string? name) => name is { Length: > 0 and <= MaxLabelLength } && DnsLabel().IsMatch(name);

    /// <summary>Whether <paramref name="name"/> is a valid Job name (DNS-1123 subdomain, at most 63 characters).</summary>
    public static bool IsJobName(string? name) => name is { Length: > 0 and <= MaxLabelLength } && DnsSubdomain().IsMatch(name);

    /// <summary>Whether <paramref name="name"/> is a valid name for most objects, Leases included (DNS-1123 subdomain).</summary>
    public static bool IsObjectName(string? name) => name is { Length: > 0 and <= MaxSubdomainLength } && DnsSubdomain().IsMatch(name);

    /// <summary>What is wrong with a Job's namespace and name, or <see langword="null"/> when both are valid.</summary>
    public static string? JobProblem(string? @namespace, string? name) =>
        !IsNamespace(@namespace) ? $"namespace '{Shown(@namespace)}' is not a Kubernetes namespace name (DNS-1123 label)"
        : !IsJobName(name) ? $"Job name '{Shown(name)}' is not a Kubernetes Job name (DNS-1123, at most {MaxLabelLength} characters)"
        : null;

    /// <summary>A name for a message: at most 80 characters, control characters replaced.</summary>
    public static string Shown(string? name)
    {
        if (name is null)
        {
            return "(none)";
        }

        var cut = name.Length > 80 ? name[..80] + "…" : name;
        return new string([.. cut.Select(c => char.IsControl(c) ? '?' : c)]);
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();
}
