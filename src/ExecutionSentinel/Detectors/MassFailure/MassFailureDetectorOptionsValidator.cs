using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Detectors;

/// <summary>Checks the mass-failure options, naming each bad one by its full key.</summary>
internal sealed class MassFailureDetectorOptionsValidator : IValidateOptions<MassFailureDetectorOptions>
{
    public ValidateOptionsResult Validate(string? name, MassFailureDetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures(SentinelBuilder.SectionOf(MassFailureDetectorRegistration.Name));
        if (!double.IsFinite(options.Threshold) || options.Threshold <= 0 || options.Threshold > 1)
        {
            failures.Add(nameof(options.Threshold), "must be a ratio above 0 and at most 1", options.Threshold);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
