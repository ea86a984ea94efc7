using ExecutionSentinel.Cli.Output.Live;
using Spectre.Console;

namespace ExecutionSentinel.Cli.Output;

/// <summary>Chooses the presenter: JSON when asked; the live view on an interactive terminal; plain lines otherwise.</summary>
internal static class Presenters
{
    /// <param name="format">The <c>--output</c> choice.</param>
    /// <param name="startedAt">When the watch started, on <paramref name="time"/>.</param>
    /// <param name="clock">Which clock <paramref name="time"/> is, as shown: "wall clock" or "simulated".</param>
    /// <param name="time">The watch's clock.</param>
    /// <param name="refresh">The live view's redraw timer's clock: real time, even when the watch's clock runs faster.</param>
    public static IReportPresenter Create(OutputFormat format, DateTimeOffset startedAt, string clock, TimeProvider time, TimeProvider refresh) => format switch
    {
        OutputFormat.Json => new JsonPresenter(Console.OpenStandardOutput()),
        _ when !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive => new LivePresenter(AnsiConsole.Console, startedAt, clock, time, refresh),
        _ => new PlainPresenter(Console.Out, startedAt, clock),
    };
}
