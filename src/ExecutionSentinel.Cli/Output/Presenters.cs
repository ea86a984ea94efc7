using Spectre.Console;

namespace ExecutionSentinel.Cli.Output;

/// <summary>Chooses the presenter: JSON when asked; the live view on an interactive terminal; plain lines otherwise.</summary>
internal static class Presenters
{
    public static IReportPresenter Create(OutputFormat format, DateTimeOffset startedAt, string clock) => format switch
    {
        OutputFormat.Json => new JsonPresenter(Console.OpenStandardOutput()),
        _ when !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive => new LivePresenter(AnsiConsole.Console, startedAt, clock),
        _ => new PlainPresenter(Console.Out, startedAt, clock),
    };
}
