using Microsoft.Extensions.Options;

namespace ExecutionSentinel.History;

/// <summary>Checks the history options, naming each bad one by its full key.</summary>
internal sealed class DurationHistoryOptionsValidator : IValidateOptions<DurationHistoryOptions>
{
    internal const int MaxRunsLimit = 1000;
    internal const int MaxSamples = 100_000;
    internal static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, DurationHistoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures($"{SentinelOptions.SectionName}:{DurationHistoryOptions.SectionName}");
        if (!Enum.IsDefined(options.Learning))
        {
            failures.Add(nameof(options.Learning), "must be CompletedRuns, AllRuns or Off", options.Learning);
        }

        if (options.MaxRuns is < 1 or > MaxRunsLimit)
        {
            failures.Add(nameof(options.MaxRuns), "must be a whole number from 1 to 1000", options.MaxRuns);
        }

        if (options.MinimumSamples is < 1 or > MaxSamples)
        {
            failures.Add(nameof(options.MinimumSamples), "must be a whole number from 1 to 100000", options.MinimumSamples);
        }

        failures.RequireBetween(options.LoadTimeout, nameof(options.LoadTimeout), MinTimeout, MaxTimeout);
        failures.RequireBetween(options.SaveTimeout, nameof(options.SaveTimeout), MinTimeout, MaxTimeout);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
