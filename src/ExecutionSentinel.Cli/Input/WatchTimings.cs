using System.Globalization;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// The watch's numbers, from the flags or else the <c>SENTINEL_*</c> variables, checked against the library's bounds
/// (SentinelOptionsValidator) here, so that a bad one is named as the user wrote it: the flag or the variable.
/// </summary>
internal sealed record WatchTimings(TimeSpan? Poll, TimeSpan? Timeout, double? StragglerMultiplier, double? MassFailureThreshold)
{
    /// <summary>What set the poll interval: <c>--poll</c> or <c>SENTINEL_POLL_INTERVAL</c>; both, when neither did (the default).</summary>
    public string PollSource { get; init; } = "--poll (or SENTINEL_POLL_INTERVAL)";

    /// <summary>What set the timeout: <c>--timeout</c> or <c>SENTINEL_TIMEOUT</c>; both, when neither did (the default).</summary>
    public string TimeoutSource { get; init; } = "--timeout (or SENTINEL_TIMEOUT)";

    private const double DefaultPollSeconds = 10;
    private const double MinPollSeconds = 0.1;
    private const double MaxPollSeconds = 3600;
    private const double MaxTimeoutSeconds = 30 * 24 * 3600;

    public static WatchTimings Resolve(double? pollFlag, double? timeoutFlag, SentinelEnvironment environment)
    {
        var problems = new List<string>();
        var (poll, pollSource) = pollFlag is not null ? (pollFlag, "--poll") : (environment.PollSeconds, "SENTINEL_POLL_INTERVAL");
        var (timeout, timeoutSource) = timeoutFlag is not null ? (timeoutFlag, "--timeout") : (environment.TimeoutSeconds, "SENTINEL_TIMEOUT");

        if (poll is { } p && !(double.IsFinite(p) && p >= MinPollSeconds && p <= MaxPollSeconds))
        {
            problems.Add($"{pollSource} must be from 0.1 to 3600 seconds (was {Show(p)}).");
            poll = null;
        }

        if (timeout is { } t && !(double.IsFinite(t) && t > 0 && t <= MaxTimeoutSeconds))
        {
            problems.Add($"{timeoutSource} must be more than 0 and at most 2592000 seconds, 30 days (was {Show(t)}).");
            timeout = null;
        }

        if (problems.Count == 0 && timeout is { } limit && (poll ?? DefaultPollSeconds) > limit)
        {
            problems.Add(poll is null
                ? $"{timeoutSource} ({Show(limit)} s) is shorter than the default poll interval of 10 s: set --poll or SENTINEL_POLL_INTERVAL to {Show(limit)} or less."
                : $"{pollSource} ({Show(poll.Value)} s) must not be longer than {timeoutSource} ({Show(limit)} s).");
        }

        var multiplier = environment.StragglerMultiplier;
        if (multiplier is { } m && !(m >= 1 && m <= 1000))
        {
            problems.Add($"SENTINEL_STRAGGLER_MULTIPLIER must be from 1 to 1000 (was {Show(m)}).");
        }

        var threshold = environment.MassFailureThreshold;
        if (threshold is { } r && !(r > 0 && r <= 1))
        {
            problems.Add($"SENTINEL_MASS_FAILURE_THRESHOLD must be a ratio above 0 and at most 1 (was {Show(r)}).");
        }

        if (problems.Count > 0)
        {
            throw InputException.For(problems, "Bad settings:");
        }

        return new WatchTimings(
            poll is { } pollSeconds ? TimeSpan.FromSeconds(pollSeconds) : null,
            timeout is { } timeoutSeconds ? TimeSpan.FromSeconds(timeoutSeconds) : null,
            multiplier,
            threshold)
        {
            PollSource = poll is null ? "--poll (or SENTINEL_POLL_INTERVAL)" : pollSource,
            TimeoutSource = timeout is null ? "--timeout (or SENTINEL_TIMEOUT)" : timeoutSource,
        };
    }

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);
}
