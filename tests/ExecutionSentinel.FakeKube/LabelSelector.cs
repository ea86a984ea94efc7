using System.Globalization;
using System.Text;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// A label selector as the API server parses and applies it, written for the fake server alone (it shares nothing with
/// the library's matcher, so the two can be checked against each other): <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>,
/// <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c> (exists), <c>!k</c> (does not exist), <c>k&gt;1</c>,
/// <c>k&lt;1</c>; requirements joined by commas and ANDed; blanks between tokens ignored; keys and values validated as
/// label keys and values. A selector that does not parse is the server's 400 BadRequest.
/// </summary>
public sealed class LabelSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;
    private readonly string _text;

    private LabelSelector(string text, IReadOnlyList<Requirement> requirements)
    {
        _text = text;
        _requirements = requirements;
    }

    public static LabelSelector Everything { get; } = new("", []);

    /// <summary>Whether the selector selects everything (no requirement).</summary>
    public bool IsEmpty => _requirements.Count == 0;

    public IReadOnlyList<Requirement> Requirements => _requirements;

    /// <summary>Parses a selector; throws <see cref="FormatException"/> with the reason when it is invalid.</summary>
    public static LabelSelector Parse(string? text) =>
        TryParse(text, out var selector, out var error) ? selector : throw new FormatException(error);

    public static bool TryParse(string? text, out LabelSelector selector, out string error)
    {
        selector = Everything;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        try
        {
            var tokens = Tokenize(text);
            var requirements = new Reader(tokens).ReadAll();
            selector = requirements.Count == 0 ? Everything : new LabelSelector(text, requirements);
            return true;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => _text;

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && text[i] is ' ' or '\t' or '\r' or '\n')
            {
                i++;
            }

            if (i == text.Length)
            {
                tokens.Add(new Token(Kind.End, ""));
                return tokens;
            }

            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            switch (c)
            {
                case '(':
                    tokens.Add(new Token(Kind.Open, "("));
                    i++;
                    continue;
                case ')':
                    tokens.Add(new Token(Kind.Close, ")"));
                    i++;
                    continue;
                case ',':
                    tokens.Add(new Token(Kind.Comma, ","));
                    i++;
                    continue;
                case '>':
                    tokens.Add(new Token(Kind.Greater, ">"));
                    i++;
                    continue;
                case '<':
                    tokens.Add(new Token(Kind.Less, "<"));
                    i++;
                    continue;
                case '=' when next == '=':
                    tokens.Add(new Token(Kind.DoubleEquals, "=="));
                    i += 2;
                    continue;
                case '=':
                    tokens.Add(new Token(Kind.Equals, "="));
                    i++;
                    continue;
                case '!' when next == '=':
                    tokens.Add(new Token(Kind.NotEquals, "!="));
                    i += 2;
                    continue;
                case '!':
                    tokens.Add(new Token(Kind.Not, "!"));
                    i++;
                    continue;
            }

            var word = new StringBuilder();
            while (i < text.Length && text[i] is not (' ' or '\t' or '\r' or '\n' or '(' or ')' or ',' or '>' or '<' or '=' or '!'))
            {
                word.Append(text[i++]);
            }

            tokens.Add(new Token(Kind.Word, word.ToString()));
        }
    }

    /// <summary>How a requirement compares a label.</summary>
    public enum Operator
    {
        Exists,
        DoesNotExist,
        Equals,
        NotEquals,
        In,
        NotIn,
        GreaterThan,
        LessThan,
    }

    /// <summary>One requirement of a selector.</summary>
    public sealed record Requirement(string Key, Operator Operator, IReadOnlyList<string> Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            ArgumentNullException.ThrowIfNull(labels);
            var present = labels.TryGetValue(Key, out var value);
            return Operator switch
            {
                Operator.Exists => present,
                Operator.DoesNotExist => !present,
                Operator.Equals or Operator.In => present && Values.Contains(value!, StringComparer.Ordinal),
                Operator.NotEquals or Operator.NotIn => !present || !Values.Contains(value!, StringComparer.Ordinal),
                Operator.GreaterThan => present && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var g) && g > long.Parse(Values[0], CultureInfo.InvariantCulture),
                Operator.LessThan => present && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) && l < long.Parse(Values[0], CultureInfo.InvariantCulture),
                _ => false,
            };
        }
    }

    private enum Kind
    {
        Word,
        Not,
        Equals,
        DoubleEquals,
        NotEquals,
        Greater,
        Less,
        Open,
        Close,
        Comma,
        End,
    }

    private readonly record struct Token(Kind Kind, string Text);

    /// <summary>A recursive-descent reader over the tokens.</summary>
    private sealed class Reader(List<Token> tokens)
    {
        private int _at;

        private Token Peek => tokens[_at];

        public List<Requirement> ReadAll()
        {
            var requirements = new List<Requirement>();
            if (Peek.Kind == Kind.End)
            {
                return requirements;
            }

            while (true)
            {
                requirements.Add(ReadRequirement());
                var after = Take();
                if (after.Kind == Kind.End)
                {
                    return requirements;
                }

                if (after.Kind != Kind.Comma)
                {
                    throw Fail($"found '{after.Text}', expected: ',' or 'end of string'");
                }

                if (Peek.Kind is not (Kind.Word or Kind.Not))
                {
                    throw Fail($"found '{Peek.Text}', expected: identifier after ','");
                }
            }
        }

        private Token Take() => tokens[_at++];

        private Requirement ReadRequirement()
        {
            var negated = false;
            var first = Take();
            if (first.Kind == Kind.Not)
            {
                negated = true;
                first = Take();
            }

            if (first.Kind != Kind.Word)
            {
                throw Fail($"found '{first.Text}', expected: identifier");
            }

            var key = first.Text;
            if (LabelSyntax.KeyProblem(key) is { } keyProblem)
            {
                throw Fail($"key: Invalid value: \"{key}\": {keyProblem}");
            }

            if (negated)
            {
                return new Requirement(key, Operator.DoesNotExist, []);
            }

            if (Peek.Kind is Kind.End or Kind.Comma)
            {
                return new Requirement(key, Operator.Exists, []);
            }

            var op = Take();
            switch (op.Kind)
            {
                case Kind.Equals or Kind.DoubleEquals or Kind.NotEquals:
                    return new Requirement(key, op.Kind == Kind.NotEquals ? Operator.NotEquals : Operator.Equals, [ReadSingleValue(key)]);
                case Kind.Greater or Kind.Less:
                    var bound = ReadSingleValue(key);
                    if (!long.TryParse(bound, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                    {
                        throw Fail($"values[0][{key}]: Invalid value: \"{bound}\": must be an integer");
                    }

                    return new Requirement(key, op.Kind == Kind.Greater ? Operator.GreaterThan : Operator.LessThan, [bound]);
                case Kind.Word when op.Text is "in" or "notin":
                    return new Requirement(key, op.Text == "in" ? Operator.In : Operator.NotIn, ReadValueSet(key));
                default:
                    throw Fail($"found '{op.Text}', expected: in, notin, =, ==, !=, gt, lt");
            }
        }

        private string ReadSingleValue(string key)
        {
            if (Peek.Kind is Kind.End or Kind.Comma)
            {
                return ""; // "k=" selects an empty value.
            }

            var value = Take();
            if (value.Kind != Kind.Word)
            {
                throw Fail($"found '{value.Text}', expected: identifier");
            }

            return Checked(key, value.Text);
        }

        private List<string> ReadValueSet(string key)
        {
            var open = Take();
            if (open.Kind != Kind.Open)
            {
                throw Fail($"found '{open.Text}' expected: '('");
            }

            var values = new List<string>();
            var expectValue = true;
            while (true)
            {
                var token = Take();
                switch (token.Kind)
                {
                    case Kind.Word when expectValue:
                        values.Add(Checked(key, token.Text));
                        expectValue = false;
                        break;
                    case Kind.Word:
                        throw Fail($"found '{token.Text}', expected: ',' or ')'");
                    case Kind.Comma:
                        if (expectValue)
                        {
                            values.Add(""); // "(a,,b)" and "(,a)" hold the empty value.
                        }

                        expectValue = true;
                        break;
                    case Kind.Close:
                        if (expectValue)
                        {
                            values.Add(""); // "()" and "(a,)" hold the empty value.
                        }

                        return values.Distinct(StringComparer.Ordinal).ToList();
                    default:
                        throw Fail($"found '{token.Text}', expected: ',', ')' or identifier");
                }
            }
        }

        private static string Checked(string key, string value) =>
            LabelSyntax.ValueProblem(value) is { } problem ? throw Fail($"values[0][{key}]: Invalid value: \"{value}\": {problem}") : value;

        private static FormatException Fail(string reason) => new("unable to parse requirement: " + reason);
    }
}

/// <summary>The rules for label keys and values (and for the name part of a key).</summary>
internal static class LabelSyntax
{
    public static string? KeyProblem(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0)
            {
                return "prefix part must be non-empty";
            }

            if (prefix.Length > 253 || !IsDnsSubdomain(prefix))
            {
                return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
            }
        }

        if (name.Length == 0)
        {
            return "name part must be non-empty";
        }

        return NameProblem(name) is { } problem ? "name part " + problem : null;
    }

    public static string? ValueProblem(string value) => value.Length == 0 ? null : NameProblem(value);

    private static string? NameProblem(string name)
    {
        if (name.Length > 63)
        {
            return "must be no more than 63 characters";
        }

        var ok = char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
        return ok ? null : "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    }

    private static bool IsDnsSubdomain(string text) =>
        text.Split('.').All(part => part.Length > 0 && IsLowerAlphanumeric(part[0]) && IsLowerAlphanumeric(part[^1])
            && part.All(c => IsLowerAlphanumeric(c) || c == '-'));

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
