using ExecutionSentinel.Detection;

namespace ExecutionSentinel;

/// <summary>Formats values for the loop's own report messages, in the same words as the detectors (<see cref="ReportText"/>).</summary>
internal static class Format
{
    public static string Duration(TimeSpan duration) => ReportText.Duration(duration);

    public static string Ratio(double value) => ReportText.Ratio(value);

    public static string List(IReadOnlyList<string> items, int shown) => ReportText.List(items, shown);

    public static string Seconds(TimeSpan value) => ReportText.Seconds(value);
}
