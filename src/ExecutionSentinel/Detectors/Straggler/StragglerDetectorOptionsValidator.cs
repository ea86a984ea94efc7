using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Detectors;

/// <summary>Checks the straggler options, naming each bad one by its full key.</summary>
internal sealed class StragglerDetectorOptionsValidator : IValidateOptions<StragglerDetectorOptions>
{
    /// <summary>The largest multiplier: with a year-long expected duration it still fits a <see cref="TimeSpan"/>.</summary>
    internal const double MaxMultiplier = 1000;

    /// <summary>The most samples: more would never be reached by a real workflow's type, and would silence the median.</summary>
    internal const int MaxSamples = 100_000;

    public ValidateOptionsResult Validate(string? name, StragglerDetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures(SentinelBuilder.SectionOf(StragglerDetectorRegistration.Name));
        if (!double.IsFinite(options.Multiplier) || options.Multiplier < 1 || options.Multiplier > MaxMultiplier)
        {
            failures.Add(nameof(options.Multiplier), "must be a number from 1 to 1000", options.Multiplier);
        }

        failures.RequireBetween(options.MinimumExcess, nameof(options.MinimumExcess), TimeSpan.Zero, DetectorLimits.MaxDuration);
        if (options.MinimumSamples is < 1 or > MaxSamples)
        {
            failures.Add(nameof(options.MinimumSamples), "must be a whole number from 1 to 100000", options.MinimumSamples);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
