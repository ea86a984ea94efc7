using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Kubernetes;

/// <summary>Checks every Kubernetes probe option at once, naming each bad one by its configuration key.</summary>
internal sealed class KubernetesProbeOptionsValidator : IValidateOptions<KubernetesProbeOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures(KubernetesProbeOptions.SectionName);
        failures.RequirePositive(options.WatchTimeout, nameof(options.WatchTimeout));
        failures.RequirePositive(options.StalenessTimeout, nameof(options.StalenessTimeout));
        failures.RequirePositive(options.RelistBackoff, nameof(options.RelistBackoff));
        failures.RequirePositive(options.MaxRelistBackoff, nameof(options.MaxRelistBackoff));
        failures.RequirePositive(options.RequestTimeout, nameof(options.RequestTimeout));
        failures.RequirePositive(options.CircuitBreakDuration, nameof(options.CircuitBreakDuration));
        if (options.CircuitBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            failures.Add(nameof(options.CircuitBreakDuration), "must be at least 500 ms (Polly's minimum)", options.CircuitBreakDuration);
        }

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
