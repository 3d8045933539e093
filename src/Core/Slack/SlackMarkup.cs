using System.Text.RegularExpressions;

namespace ChaseBot.Core.Slack;

/// <summary>
/// Slack's markup in what people type, read into the plain words the one /chase grammar reads. With escaping on (both
/// manifests), Slack sends a mention as &lt;@U0123|ana&gt;, a channel as &lt;#C0123|general&gt; and a typed address as
/// &lt;mailto:a@b|a@b&gt;. The user and channel ids Slack resolved this way are returned as references, so the grammar
/// takes a bare channel id for a channel only when Slack said it is one.
/// </summary>
public static partial class SlackMarkup
{
    [GeneratedRegex(@"<(?:(?<kind>[@#])(?<id>[UWCGD][A-Z0-9]{2,30})|mailto:(?<address>[^|>]+))(?:\|[^>]*)?>")]
    private static partial Regex Reference();

    public static (string Text, IReadOnlySet<string> References) Read(string text)
    {
        var references = new HashSet<string>(StringComparer.Ordinal);
        var plain = Reference().Replace(text, m =>
        {
            if (m.Groups["address"].Success)
                return m.Groups["address"].Value;
            references.Add(m.Groups["id"].Value);
            return m.Groups["id"].Value;
        });
        return (plain, references);
    }
}
