using System.Globalization;
using System.Text.RegularExpressions;

namespace ChaseBot.Core.Exports.Parsing;

/// <summary>
/// The date an export says its facts are from, in the lines above its header: QuickBooks reports say "As of November 21,
/// 2026" or a range ending on that day ("September 1 - November 21, 2026"); Invoice Ninja v4 says when it was made
/// ("Invoice Ninja v4.5.17 - Nov 21, 2026 10:02 am"). A report re-run for an earlier day, downloaded today, holds that
/// day's facts, which a file's modified time cannot tell.
/// </summary>
public static partial class PreambleDate
{
    /// <summary>
    /// When the preamble says the facts were true (a day alone counts to its end), or null when it says nothing that
    /// reads as a date. Times carry no zone in these files: read as UTC, and the importer never lets this be later than
    /// the file's own modified time.
    /// </summary>
    public static DateTime? Of(IEnumerable<string> preamble)
    {
        foreach (var line in preamble.Select(l => l.Trim()))
        {
            var said = AsOf().Match(line) is { Success: true } asOf ? asOf.Groups["date"].Value
                : Range().Match(line) is { Success: true } range ? range.Groups["date"].Value
                : Generated().Match(line) is { Success: true } made ? made.Groups["date"].Value
                : null;
            if (said is not null && Read(said) is { } at)
                return at;
        }
        return null;
    }

    /// <summary>The last whole second of a day: a time both databases store exactly (PostgreSQL keeps microseconds).</summary>
    public static readonly TimeSpan EndOfDay = new(23, 59, 59);

    private static readonly string[] DayFormats = ["MMMM d, yyyy", "MMM d, yyyy", "MMM. d, yyyy", "d MMMM yyyy", "d MMM yyyy"];

    private static DateTime? Read(string text)
    {
        var time = TimeOfDay().Match(text);
        var day = time.Success ? text[..time.Index].Trim() : text.Trim();
        if (!DateTime.TryParseExact(day, DayFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var date))
            return null;
        if (!time.Success)
            return DateTime.SpecifyKind(date.Add(EndOfDay), DateTimeKind.Utc); // "as of" a day: its facts hold through it
        var hour = int.Parse(time.Groups["h"].Value, CultureInfo.InvariantCulture) % 12 +
                   (time.Groups["ampm"].Value.Equals("pm", StringComparison.OrdinalIgnoreCase) ? 12 : 0);
        return DateTime.SpecifyKind(date.AddHours(hour).AddMinutes(int.Parse(time.Groups["m"].Value, CultureInfo.InvariantCulture)), DateTimeKind.Utc);
    }

    [GeneratedRegex(@"^As of (?<date>[A-Za-z]{3,9}\.? \d{1,2}, \d{4})$", RegexOptions.IgnoreCase)]
    private static partial Regex AsOf();

    [GeneratedRegex(@"^[A-Za-z]{3,9}\.? \d{1,2}(?:, \d{4})? ?[-–] ?(?<date>[A-Za-z]{3,9}\.? \d{1,2}, \d{4})$")]
    private static partial Regex Range();

    [GeneratedRegex(@"^Invoice Ninja v[\d.]+ [-–] (?<date>[A-Za-z]{3,9}\.? \d{1,2}, \d{4}(?: \d{1,2}:\d\d ?[ap]m)?)$", RegexOptions.IgnoreCase)]
    private static partial Regex Generated();

    [GeneratedRegex(@" (?<h>\d{1,2}):(?<m>\d\d) ?(?<ampm>[ap]m)$", RegexOptions.IgnoreCase)]
    private static partial Regex TimeOfDay();
}
