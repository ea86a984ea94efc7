using System.CommandLine;
using ExecutionSentinel.Cli.Commands;

var root = new RootCommand("execution-sentinel: tells you, within seconds, what is going wrong in a running workflow.")
{
    DemoCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
