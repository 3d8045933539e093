using System.Globalization;
using System.Text.RegularExpressions;

namespace ChaseBot.Core.Exports.Parsing;

/// <summary>Whether numeric dates like 03/04/2026 put the day or the month first.</summary>
public enum DateOrder
{
    Unknown,
    DayFirst,
    MonthFirst,
}

/// <summary>What one date cell says about the file's date order.</summary>
public enum DateEvidence
{
    /// <summary>Not a numeric d/m date: ISO, month names, timestamps. Reads the same either way.</summary>
    Unambiguous,
    /// <summary>Numeric with both parts ≤ 12 and different (03/04/2026): needs the file's order.</summary>
    Either,
    DayFirst,
    MonthFirst,
    Invalid,
}

/// <summary>
/// Reads the dates accounting exports write: 1/19/2026, 19/01/2026, 19.01.2026, 2026-01-19, Jan 19 2026,
/// 19 Jan 2026, January 19, 2026, 19-Jan-26 and UTC timestamps ("2026-01-19 10:00:00", "2026-01-19T10:00:00Z").
/// Day-first versus month-first is never guessed: the caller decides it for the whole file.
/// </summary>
public static partial class ExportDate
{
    // [0-9], never \d: .NET's \d matches every Unicode digit ("１５" full-width, Arabic-Indic), which int.Parse refuses.
    [GeneratedRegex(@"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[ T].*)?$")]
    private static partial Regex IsoLike();

    [GeneratedRegex(@"^([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4}|[0-9]{2})(?:[ T].*)?$")]
    private static partial Regex Numeric();

    private static readonly string[] NamedMonthFormats =
    [
        "MMM d yyyy", "MMM d, yyyy", "MMMM d yyyy", "MMMM d, yyyy", "d MMM yyyy", "d MMMM yyyy",
        "d-MMM-yyyy", "d-MMM-yy", "dd-MMM-yyyy", "dd-MMM-yy", "ddd MMM d yyyy", "dddd, MMMM d, yyyy",
    ];

    public static DateEvidence Observe(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return DateEvidence.Unambiguous;
        var match = Numeric().Match(raw.Trim());
        if (!match.Success)
            return TryParse(raw, DateOrder.DayFirst, out _) ? DateEvidence.Unambiguous : DateEvidence.Invalid;
        var first = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var second = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        return (first, second) switch
        {
            _ when first > 12 && second > 12 => DateEvidence.Invalid,
            _ when first > 12 => DateEvidence.DayFirst,
            _ when second > 12 => DateEvidence.MonthFirst,
            _ when first == second => DateEvidence.Unambiguous,
            _ => DateEvidence.Either,
        };
    }

    public static bool TryParse(string? raw, DateOrder order, out DateOnly date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(raw))
            return false;
        var text = raw.Trim();

        var iso = IsoLike().Match(text);
        if (iso.Success)
            return TryCreate(iso.Groups[1].Value, iso.Groups[2].Value, iso.Groups[3].Value, out date);

        var numeric = Numeric().Match(text);
        if (numeric.Success)
        {
            var (a, b, year) = (numeric.Groups[1].Value, numeric.Groups[2].Value, numeric.Groups[3].Value);
            if (year.Length == 2)
                year = "20" + year;
            if (a == b)
                return TryCreate(year, a, b, out date);
            return order switch
            {
                DateOrder.DayFirst => TryCreate(year, b, a, out date),
                DateOrder.MonthFirst => TryCreate(year, a, b, out date),
                _ => false,
            };
        }

        if (DateTime.TryParseExact(text, NamedMonthFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AllowWhiteSpaces, out var named))
        {
            date = DateOnly.FromDateTime(named);
            return true;
        }
        // Timestamps with an offset ("2026-01-19T23:30:00-05:00") are taken at UTC, as Stripe labels them.
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            date = DateOnly.FromDateTime(instant.UtcDateTime);
            return true;
        }
        return false;
    }

    private static bool TryCreate(string year, string month, string day, out DateOnly date)
    {
        date = default;
        var y = int.Parse(year, CultureInfo.InvariantCulture);
        var m = int.Parse(month, CultureInfo.InvariantCulture);
        var d = int.Parse(day, CultureInfo.InvariantCulture);
        if (y is < 1900 or > 2200 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m))
            return false;
        date = new DateOnly(y, m, d);
        return true;
    }
}
