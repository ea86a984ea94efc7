using System.CommandLine;
using ExecutionSentinel.Cli.Commands;

var root = new RootCommand("execution-sentinel: tells you, within seconds, what is going wrong in a running workflow.")
{
    WatchCommand.Create(),
    DemoCommand.Create(),
};
var parsed = root.Parse(args);

// Usage errors (unknown options, missing values) exit 64, as documented, not System.CommandLine's default 1.
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync($"execution-sentinel: {error.Message.TrimEnd('.')} (see 'execution-sentinel --help').").ConfigureAwait(false);
    }

    return 64;
}

// Ctrl+C (SIGINT) and SIGTERM cancel the watch, which then ends cleanly with what it knows (exit 130).
using var interrupted = new CancellationTokenSource();
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Interrupt);
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Interrupt);
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupted.Token).ConfigureAwait(false);

void Interrupt(System.Runtime.InteropServices.PosixSignalContext context)
{
    context.Cancel = true; // Do not die at once: let the watch print its summary.
    interrupted.Cancel();
}
