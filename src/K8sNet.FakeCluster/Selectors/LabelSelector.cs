using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace K8sNet.Testing.Selectors;

/// <summary>
/// A Kubernetes label selector in its string form, with the full grammar of apimachinery's <c>labels.Parse</c>:
/// <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>, <c>k&gt;1</c>,
/// <c>k&lt;1</c>, joined by commas (AND).
/// </summary>
/// <remarks>
/// <c>!=</c> and <c>notin</c> also match objects without the key, as upstream. The empty selector matches everything.
/// </remarks>
internal sealed class LabelSelector
{
    private LabelSelector(ImmutableArray<Requirement> requirements, string text)
    {
        Requirements = requirements;
        Text = text;
    }

    /// <summary>The selector that matches everything.</summary>
    public static LabelSelector Everything { get; } = new([], string.Empty);

    /// <summary>The requirements, all of which must hold.</summary>
    public ImmutableArray<Requirement> Requirements { get; }

    /// <summary>The selector as given.</summary>
    public string Text { get; }

    /// <summary>Whether the selector matches everything.</summary>
    public bool IsEmpty => Requirements.IsEmpty;

    /// <summary>An equality selector from a map (a Service's or ReplicaSet's <c>selector</c>).</summary>
    /// <param name="labels">The labels every match must carry.</param>
    /// <returns>The selector.</returns>
    public static LabelSelector FromMap(IEnumerable<KeyValuePair<string, string>> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var reqs = labels.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new Requirement(kv.Key, SelectionOperator.Equals, [kv.Value])).ToImmutableArray();
        return new LabelSelector(reqs, string.Join(',', reqs.Select(r => $"{r.Key}={r.Values[0]}")));
    }

    /// <summary>Parses a selector.</summary>
    /// <param name="text">The selector text; empty or <see langword="null"/> selects everything.</param>
    /// <returns>The selector.</returns>
    /// <exception cref="K8sNetFormatException">The text breaks the grammar or a key or value is invalid.</exception>
    public static LabelSelector Parse(string? text) => TryParse(text, out var selector, out var error) ? selector : throw error;

    /// <summary>Parses a selector.</summary>
    /// <param name="text">The selector text.</param>
    /// <param name="selector">The selector when valid.</param>
    /// <param name="error">Why the text is not a selector.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out LabelSelector? selector, [NotNullWhen(false)] out K8sNetFormatException? error)
    {
        selector = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            selector = Everything;
            return true;
        }

        var tokens = Lex(text);
        var reqs = ImmutableArray.CreateBuilder<Requirement>();
        var i = 0;
        K8sNetFormatException Fail(string rule) => new(text, "labelSelector", rule);
        while (true)
        {
            if (i >= tokens.Count)
            {
                error = Fail("found end of string, expected a key");
                return false;
            }

            var negate = false;
            if (tokens[i].Kind == TokenKind.Bang)
            {
                negate = true;
                i++;
            }

            if (i >= tokens.Count || tokens[i].Kind != TokenKind.Identifier)
            {
                error = Fail($"found '{(i < tokens.Count ? tokens[i].Text : "end of string")}', expected: identifier");
                return false;
            }

            var key = tokens[i++].Text;
            if (!ValidKey(key, out var keyRule))
            {
                error = Fail($"key '{key}': {keyRule}");
                return false;
            }

            if (negate)
            {
                reqs.Add(new Requirement(key, SelectionOperator.DoesNotExist, []));
            }
            else if (i >= tokens.Count || tokens[i].Kind == TokenKind.Comma)
            {
                reqs.Add(new Requirement(key, SelectionOperator.Exists, []));
            }
            else
            {
                var op = tokens[i++];
                switch (op.Kind)
                {
                    case TokenKind.Equals or TokenKind.DoubleEquals or TokenKind.NotEquals or TokenKind.Greater or TokenKind.Less:
                        {
                            string value;
                            if (i < tokens.Count && tokens[i].Kind == TokenKind.Identifier)
                            {
                                value = tokens[i++].Text;
                            }
                            else if (i >= tokens.Count || tokens[i].Kind == TokenKind.Comma)
                            {
                                value = string.Empty;
                            }
                            else
                            {
                                error = Fail($"found '{tokens[i].Text}', expected: identifier");
                                return false;
                            }

                            if (op.Kind is TokenKind.Greater or TokenKind.Less && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                            {
                                error = Fail($"for 'Gt', 'Lt' operators, the value must be an integer ('{value}')");
                                return false;
                            }

                            if (!ValidValue(value, out var valueRule))
                            {
                                error = Fail($"value '{value}': {valueRule}");
                                return false;
                            }

                            var kind = op.Kind switch
                            {
                                TokenKind.NotEquals => SelectionOperator.NotEquals,
                                TokenKind.Greater => SelectionOperator.GreaterThan,
                                TokenKind.Less => SelectionOperator.LessThan,
                                _ => SelectionOperator.Equals,
                            };
                            reqs.Add(new Requirement(key, kind, [value]));
                            break;
                        }

                    case TokenKind.In or TokenKind.NotIn:
                        {
                            if (i >= tokens.Count || tokens[i].Kind != TokenKind.OpenParen)
                            {
                                error = Fail("found end of string or unexpected token, expected: '('");
                                return false;
                            }

                            i++;
                            var values = ImmutableArray.CreateBuilder<string>();
                            var expectValue = true;
                            while (true)
                            {
                                if (i >= tokens.Count)
                                {
                                    error = Fail("found end of string, expected: ')'");
                                    return false;
                                }

                                var t = tokens[i++];
                                if (t.Kind == TokenKind.CloseParen)
                                {
                                    if (expectValue)
                                    {
                                        values.Add(string.Empty); // "in ()" and "in (a,)" carry an empty value, as upstream
                                    }

                                    break;
                                }

                                if (t.Kind == TokenKind.Comma)
                                {
                                    if (expectValue)
                                    {
                                        values.Add(string.Empty);
                                    }

                                    expectValue = true;
                                    continue;
                                }

                                if (t.Kind != TokenKind.Identifier || !expectValue)
                                {
                                    error = Fail($"found '{t.Text}', expected: ',' or ')'");
                                    return false;
                                }

                                if (!ValidValue(t.Text, out var valueRule))
                                {
                                    error = Fail($"value '{t.Text}': {valueRule}");
                                    return false;
                                }

                                values.Add(t.Text);
                                expectValue = false;
                            }

                            reqs.Add(new Requirement(key, op.Kind == TokenKind.In ? SelectionOperator.In : SelectionOperator.NotIn, values.ToImmutable()));
                            break;
                        }

                    default:
                        error = Fail($"found '{op.Text}', expected: in, notin, =, ==, !=, gt, lt");
                        return false;
                }
            }

            if (i >= tokens.Count)
            {
                break;
            }

            if (tokens[i].Kind != TokenKind.Comma)
            {
                error = Fail($"found '{tokens[i].Text}', expected: ',' or 'end of string'");
                return false;
            }

            i++;
        }

        selector = new LabelSelector(reqs.ToImmutable(), text);
        return true;
    }

    /// <summary>Whether the labels satisfy every requirement.</summary>
    /// <param name="labels">An object's labels (<see langword="null"/> for none).</param>
    /// <returns><see langword="true"/> when they match.</returns>
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        foreach (var r in Requirements)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static bool ValidKey(string key, out string rule)
    {
        rule = string.Empty;
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || !KubernetesNames.IsDns1123Subdomain(prefix))
            {
                rule = "prefix part must be a lowercase DNS subdomain";
                return false;
            }
        }

        if (name.Length is 0 or > 63 || !IsLabelValueShape(name) || name.Contains('/', StringComparison.Ordinal))
        {
            rule = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63)";
            return false;
        }

        return true;
    }

    private static bool ValidValue(string value, out string rule)
    {
        rule = string.Empty;
        if (value.Length > 63 || (value.Length > 0 && !IsLabelValueShape(value)))
        {
            rule = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63)";
            return false;
        }

        return true;
    }

    private static bool IsLabelValueShape(string s)
    {
        if (!char.IsAsciiLetterOrDigit(s[0]) || !char.IsAsciiLetterOrDigit(s[^1]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static List<Token> Lex(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                i++;
                continue;
            }

            switch (c)
            {
                case ',':
                    tokens.Add(new Token(TokenKind.Comma, ","));
                    i++;
                    continue;
                case '(':
                    tokens.Add(new Token(TokenKind.OpenParen, "("));
                    i++;
                    continue;
                case ')':
                    tokens.Add(new Token(TokenKind.CloseParen, ")"));
                    i++;
                    continue;
                case '>':
                    tokens.Add(new Token(TokenKind.Greater, ">"));
                    i++;
                    continue;
                case '<':
                    tokens.Add(new Token(TokenKind.Less, "<"));
                    i++;
                    continue;
                case '!':
                    if (i + 1 < text.Length && text[i + 1] == '=')
                    {
                        tokens.Add(new Token(TokenKind.NotEquals, "!="));
                        i += 2;
                    }
                    else
                    {
                        tokens.Add(new Token(TokenKind.Bang, "!"));
                        i++;
                    }

                    continue;
                case '=':
                    if (i + 1 < text.Length && text[i + 1] == '=')
                    {
                        tokens.Add(new Token(TokenKind.DoubleEquals, "=="));
                        i += 2;
                    }
                    else
                    {
                        tokens.Add(new Token(TokenKind.Equals, "="));
                        i++;
                    }

                    continue;
            }

            var sb = new StringBuilder();
            while (i < text.Length && text[i] is not (' ' or '\t' or '\r' or '\n' or ',' or '(' or ')' or '>' or '<' or '!' or '='))
            {
                sb.Append(text[i++]);
            }

            var word = sb.ToString();
            tokens.Add(word switch
            {
                "in" => new Token(TokenKind.In, word),
                "notin" => new Token(TokenKind.NotIn, word),
                _ => new Token(TokenKind.Identifier, word),
            });
        }

        return tokens;
    }

    private enum TokenKind
    {
        Identifier,
        Comma,
        OpenParen,
        CloseParen,
        Bang,
        Equals,
        DoubleEquals,
        NotEquals,
        Greater,
        Less,
        In,
        NotIn,
    }

    private readonly record struct Token(TokenKind Kind, string Text);
}
