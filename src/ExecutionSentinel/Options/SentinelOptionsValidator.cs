using Microsoft.Extensions.Options;

namespace ExecutionSentinel;

/// <summary>Checks every option at once and names each bad one by its configuration key.</summary>
internal sealed class SentinelOptionsValidator : IValidateOptions<SentinelOptions>
{
    public ValidateOptionsResult Validate(string? name, SentinelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures(SentinelOptions.SectionName);

        failures.RequirePositive(options.PollInterval, nameof(options.PollInterval));
        failures.RequirePositive(options.WatchTimeout, nameof(options.WatchTimeout));
        failures.RequirePositive(options.PendingTimeout, nameof(options.PendingTimeout));
        failures.RequirePositive(options.HangThreshold, nameof(options.HangThreshold));
        failures.RequirePositive(options.StallTimeout, nameof(options.StallTimeout));
        if (!double.IsFinite(options.StragglerMultiplier) || options.StragglerMultiplier < 1)
        {
            failures.Add(nameof(options.StragglerMultiplier), "must be a number of at least 1", options.StragglerMultiplier);
        }

        if (options.StragglerMinimumExcess < TimeSpan.Zero)
        {
            failures.Add(nameof(options.StragglerMinimumExcess), "must not be negative", options.StragglerMinimumExcess);
        }

        if (options.StragglerMinimumSamples < 1)
        {
            failures.Add(nameof(options.StragglerMinimumSamples), "must be at least 1", options.StragglerMinimumSamples);
        }

        if (!double.IsFinite(options.MassFailureThreshold) || options.MassFailureThreshold <= 0 || options.MassFailureThreshold > 1)
        {
            failures.Add(nameof(options.MassFailureThreshold), "must be a ratio above 0 and at most 1", options.MassFailureThreshold);
        }

        failures.RequirePositive(options.ObservationTimeout, nameof(options.ObservationTimeout));
        if (options.CompletionGrace < TimeSpan.Zero)
        {
            failures.Add(nameof(options.CompletionGrace), "must not be negative", options.CompletionGrace);
        }

        if (options.ConnectivityFailureThreshold < 1)
        {
            failures.Add(nameof(options.ConnectivityFailureThreshold), "must be at least 1", options.ConnectivityFailureThreshold);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
