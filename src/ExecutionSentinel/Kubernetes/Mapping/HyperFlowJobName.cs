using System.Text.RegularExpressions;

namespace ExecutionSentinel.Kubernetes.Mapping;

/// <summary>
/// Reads HyperFlow's Job names: <c>job&lt;random&gt;-&lt;process name, lowercased, _ as -&gt;-&lt;procId&gt;-&lt;firingId&gt;</c>,
/// e.g. <c>jobk3x9q-mproject-12-1</c> (hyperflow functions/kubernetes/k8sJobSubmit.js).
/// </summary>
/// <param name="NormalizedType">The process name as it appears in the Job name (lowercased, <c>_</c> as <c>-</c>).</param>
/// <param name="ProcessId">The process id.</param>
/// <param name="FiringId">The firing id.</param>
internal sealed partial record HyperFlowJobName(string NormalizedType, int ProcessId, int FiringId)
{
    /// <summary>Parses a Job name; <see langword="null"/> when it does not follow HyperFlow's pattern.</summary>
    public static HyperFlowJobName? TryParse(string? jobName)
    {
        if (jobName is null)
        {
            return null;
        }

        var match = Pattern().Match(jobName);
        return match.Success
            && int.TryParse(match.Groups["proc"].ValueSpan, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var proc)
            && int.TryParse(match.Groups["firing"].ValueSpan, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var firing)
            ? new HyperFlowJobName(match.Groups["type"].Value, proc, firing)
            : null;
    }

    /// <summary>Normalizes a task type the way HyperFlow writes it into Job names.</summary>
    public static string Normalize(string taskType) => taskType.ToLowerInvariant().Replace('_', '-');

    // "job" + a random lowercase alphanumeric id, then the type (which may itself contain '-'), then two numbers.
    [GeneratedRegex("^job[a-z0-9]+-(?<type>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)-(?<proc>[0-9]+)-(?<firing>[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
