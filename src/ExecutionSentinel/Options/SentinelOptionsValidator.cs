using Microsoft.Extensions.Options;

namespace ExecutionSentinel;

/// <summary>Checks every option at once and names each bad one by its configuration key.</summary>
internal sealed class SentinelOptionsValidator : IValidateOptions<SentinelOptions>
{
    /// <summary>The shortest poll interval: faster would load the API server for nothing.</summary>
    internal static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest poll interval: an hour without a look is not watching.</summary>
    internal static readonly TimeSpan MaxPollInterval = TimeSpan.FromHours(1);

    /// <summary>The longest watch, and the longest of every other threshold: 30 days.</summary>
    internal static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    /// <summary>The longest debounce of a change: longer, and the change might as well wait for the poll.</summary>
    internal static readonly TimeSpan MaxChangeDebounce = TimeSpan.FromSeconds(5);

    public ValidateOptionsResult Validate(string? name, SentinelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures(SentinelOptions.SectionName);

        failures.RequireBetween(options.PollInterval, nameof(options.PollInterval), MinPollInterval, MaxPollInterval);
        failures.RequirePositive(options.WatchTimeout, nameof(options.WatchTimeout), MaxDuration);
        if (options.PollInterval > options.WatchTimeout && options.WatchTimeout > TimeSpan.Zero)
        {
            failures.Add(nameof(options.PollInterval), $"must not be longer than WatchTimeout ({options.WatchTimeout})", options.PollInterval);
        }

        failures.RequirePositive(options.ObservationTimeout, nameof(options.ObservationTimeout), MaxDuration);
        failures.RequireBetween(options.ChangeDebounce, nameof(options.ChangeDebounce), TimeSpan.Zero, MaxChangeDebounce);
        failures.RequireBetween(options.CompletionGrace, nameof(options.CompletionGrace), TimeSpan.Zero, MaxDuration);

        if (options.ConnectivityFailureThreshold < 1)
        {
            failures.Add(nameof(options.ConnectivityFailureThreshold), "must be at least 1", options.ConnectivityFailureThreshold);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
