using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Kubernetes;

/// <summary>Checks every Kubernetes probe option at once, naming each bad one by its configuration key.</summary>
internal sealed class KubernetesProbeOptionsValidator : IValidateOptions<KubernetesProbeOptions>
{
    /// <summary>The longest of the probe's durations: longer ones overflow timers and Polly's limits, or are typos.</summary>
    internal static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, KubernetesProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures(KubernetesProbeOptions.SectionName);
        failures.RequirePositive(options.WatchTimeout, nameof(options.WatchTimeout), MaxDuration);
        failures.RequirePositive(options.StalenessTimeout, nameof(options.StalenessTimeout), MaxDuration);
        failures.RequirePositive(options.MaxSilence, nameof(options.MaxSilence), MaxDuration);
        failures.RequirePositive(options.RelistBackoff, nameof(options.RelistBackoff), MaxDuration);
        failures.RequirePositive(options.MaxRelistBackoff, nameof(options.MaxRelistBackoff), MaxDuration);
        failures.RequireBetween(options.RequestTimeout, nameof(options.RequestTimeout), TimeSpan.FromMilliseconds(10), MaxDuration); // Polly's minimum.
        failures.RequireBetween(options.SignalReadInterval, nameof(options.SignalReadInterval), TimeSpan.Zero, TimeSpan.FromHours(1));
        failures.RequireBetween(options.CircuitBreakDuration, nameof(options.CircuitBreakDuration), TimeSpan.FromMilliseconds(500), MaxDuration); // Polly's minimum.

        if (options.MaxSilence < options.StalenessTimeout)
        {
            failures.Add(nameof(options.MaxSilence), $"must not be shorter than StalenessTimeout ({options.StalenessTimeout})", options.MaxSilence);
        }

        if (options.MaxRelistBackoff < options.RelistBackoff)
        {
            failures.Add(nameof(options.MaxRelistBackoff), $"must not be shorter than RelistBackoff ({options.RelistBackoff})", options.MaxRelistBackoff);
        }

        if (options.PageSize < 1)
        {
            failures.Add(nameof(options.PageSize), "must be at least 1", options.PageSize);
        }

        if (options.MaxRetries is < 0 or > 100)
        {
            failures.Add(nameof(options.MaxRetries), "must be between 0 and 100", options.MaxRetries);
        }

        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add(nameof(options.Mode), "must be Watch or Poll", options.Mode);
        }

        if (string.IsNullOrWhiteSpace(options.SignalFile) || !options.SignalFile.StartsWith('/'))
        {
            failures.Add(nameof(options.SignalFile), "must be an absolute path in the engine container", options.SignalFile);
        }

        if (options.CompletionMarkerFile is { } marker && !marker.StartsWith('/'))
        {
            failures.Add(nameof(options.CompletionMarkerFile), "must be an absolute path in the engine container", marker);
        }

        CheckSelector(options.TaskLabelSelector, nameof(options.TaskLabelSelector), failures, required: true);
        CheckSelector(options.JobLabelSelector, nameof(options.JobLabelSelector), failures, required: false);
        if (options.KubeconfigPath is { } path && path.Trim().Length == 0)
        {
            failures.Add(nameof(options.KubeconfigPath), "must not be blank (leave it unset for the default)", path);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckSelector(string? selector, string key, OptionFailures failures, bool required)
    {
        if (selector is null)
        {
            if (required)
            {
                failures.Add(key, "is required (an empty string selects everything)", "null");
            }

            return;
        }

        if (LabelSelectorSyntax.FindProblem(selector) is { } problem)
        {
            failures.Add(key, problem, selector);
        }
    }
}
