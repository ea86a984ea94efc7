namespace ExecutionSentinel.Cli.Output;

/// <summary>The <c>--output</c> choices.</summary>
internal enum OutputFormat
{
    /// <summary>A live view on a terminal; plain lines otherwise.</summary>
    Text,

    /// <summary>NDJSON: one object per report per line, then the summary.</summary>
    Json,
}
