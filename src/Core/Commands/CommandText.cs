using System.Globalization;
using System.Text;

namespace ChaseBot.Core.Commands;

/// <summary>
/// Splits command text into words, keeping "quoted phrases" together, and reads people, channels and dates in them.
/// Platforms hand the text over as plain words (Slack's markup is read by <c>SlackMarkup</c>), with the ids they
/// resolved as references (<see cref="CommandContext.References"/>).
/// </summary>
public static class CommandText
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
        return words;
    }

    /// <summary>A person: the id a platform resolved a mention to, or an id or @handle as typed.</summary>
    public static string? UserId(string word)
    {
        var bare = word.TrimStart('@');
        return bare.Length is > 0 and <= 100 && bare.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? bare : null;
    }

    /// <summary>A channel: one the platform resolved (its id, among <paramref name="references"/>), or #name as typed.</summary>
    public static string? ChannelId(string word, IReadOnlySet<string>? references = null)
    {
        if (references?.Contains(word) == true)
            return word;
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
