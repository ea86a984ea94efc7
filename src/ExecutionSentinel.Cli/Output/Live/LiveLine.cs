using System.Globalization;
using System.Text;
using Spectre.Console;

namespace ExecutionSentinel.Cli.Output.Live;

/// <summary>
/// One line of the live view: plain text in styled spans. The layout counts lines to fit the terminal's height, so a
/// line must never wrap: <see cref="Fit"/> cuts it to the width, with an ellipsis, before Spectre.Console sees it.
/// </summary>
internal sealed class LiveLine
{
    private readonly List<(string Text, string? Style)> _spans = [];

    /// <summary>The text as shown, without styles.</summary>
    public string Text => string.Concat(_spans.Select(s => s.Text));

    /// <summary>The terminal cells it takes: one per text element (the tool's own text and task names are narrow).</summary>
    public int Width => new StringInfo(Text).LengthInTextElements;

    /// <summary>Adds text (control characters, a message's line breaks among them, shown as spaces) in a Spectre.Console style.</summary>
    public LiveLine Add(string text, string? style = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0)
        {
            _spans.Add((Printable(text), style));
        }

        return this;
    }

    /// <summary>This line cut to <paramref name="width"/> cells, its last one an ellipsis when anything was cut.</summary>
    public LiveLine Fit(int width)
    {
        if (Width <= width)
        {
            return this;
        }

        var fitted = new LiveLine();
        var room = Math.Max(width - 1, 0);
        foreach (var (text, style) in _spans)
        {
            var info = new StringInfo(text);
            if (info.LengthInTextElements <= room)
            {
                fitted._spans.Add((text, style));
                room -= info.LengthInTextElements;
                continue;
            }

            fitted._spans.Add((info.SubstringByTextElements(0, room) + "…", style));
            return fitted;
        }

        return fitted;
    }

    /// <summary>The line as Spectre.Console markup, its text escaped.</summary>
    public string ToMarkup()
    {
        var markup = new StringBuilder();
        foreach (var (text, style) in _spans)
        {
            markup.Append(style is null ? Markup.Escape(text) : $"[{style}]{Markup.Escape(text)}[/]");
        }

        return markup.ToString();
    }

    public override string ToString() => Text;

    private static string Printable(string text) =>
        text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)) : text;
}
