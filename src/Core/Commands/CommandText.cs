using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ChaseBot.Core.Commands;

/// <summary>Splits command text into words, keeping "quoted phrases" together and Slack's &lt;@U…|name&gt; tokens whole.</summary>
public static partial class CommandText
{
    public const int MaxLength = 2000;

    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text.Trim())
        {
            if (c is '"' or '“' or '”')
            {
                quoted = !quoted;
                continue;
            }
            if (char.IsWhiteSpace(c) && !quoted)
            {
                if (current.Length > 0)
                    words.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        if (current.Length > 0)
            words.Add(current.ToString());
        // Slack links an email address someone types: <mailto:ap@kauri.example|ap@kauri.example> is the address.
        return words.Select(w => SlackMailto().Match(w) is { Success: true } m ? m.Groups[1].Value : w).ToList();
    }

    [GeneratedRegex(@"^<mailto:([^|>]+)(\|[^>]*)?>$")]
    private static partial Regex SlackMailto();

    [GeneratedRegex(@"^<@([UW][A-Z0-9]{2,30})(\|[^>]*)?>$")]
    private static partial Regex SlackUser();

    [GeneratedRegex(@"^<#([CGD][A-Z0-9]{2,30})(\|[^>]*)?>$")]
    private static partial Regex SlackChannel();

    /// <summary>A user mention: Slack's &lt;@U123|ana&gt;, or a bare id/handle from the CLI or Teams.</summary>
    public static string? UserId(string word)
    {
        var slack = SlackUser().Match(word);
        if (slack.Success)
            return slack.Groups[1].Value;
        var bare = word.TrimStart('@');
        return bare.Length is > 0 and <= 100 && bare.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? bare : null;
    }

    /// <summary>A channel: Slack's &lt;#C123|general&gt;, or #name.</summary>
    public static string? ChannelId(string word)
    {
        var slack = SlackChannel().Match(word);
        if (slack.Success)
            return slack.Groups[1].Value;
        return word.StartsWith('#') && word.Length is > 1 and <= 80 && word[1..].All(c => char.IsLetterOrDigit(c) || c is '-' or '_')
            ? word : null;
    }

    /// <summary>Strict dates: ISO (2026-12-01), today, tomorrow, "in 7 days". Null when it is none of these.</summary>
    public static DateOnly? Date(IReadOnlyList<string> words, ref int index, DateOnly today)
    {
        if (index >= words.Count)
            return null;
        var word = words[index].ToLowerInvariant();
        switch (word)
        {
            case "today":
                index++;
                return today;
            case "tomorrow":
                index++;
                return today.AddDays(1);
            case "in" when index + 1 < words.Count &&
                           int.TryParse(words[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 3650:
                var unit = index + 2 < words.Count ? words[index + 2].ToLowerInvariant() : "";
                if (unit is not ("day" or "days" or "week" or "weeks"))
                    return null;
                index += 3;
                return today.AddDays(unit.StartsWith("week", StringComparison.Ordinal) ? n * 7 : n);
        }
        if (DateOnly.TryParseExact(words[index], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            index++;
            return date;
        }
        return null;
    }
}
