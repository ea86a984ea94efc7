using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Watchdog;

/// <summary>Checks the heartbeat options at start, naming each bad one by its configuration key.</summary>
internal sealed class HeartbeatOptionsValidator : IValidateOptions<HeartbeatOptions>
{
    public ValidateOptionsResult Validate(string? name, HeartbeatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures("ExecutionSentinel:Heartbeats");
        failures.RequireBetween(options.Timeout, nameof(options.Timeout), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
