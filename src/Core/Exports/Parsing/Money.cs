using System.Globalization;

namespace ChaseBot.Core.Exports.Parsing;

/// <summary>
/// Reads an amount as accounting exports write it: "1,000.00", "$13.50", "(100.00)", "-100.00 ",
/// "1.234,56" (decimal comma), "12.3456", "USD 1,200.00", "1 200,50".
/// </summary>
/// <summary>Which character a file writes before an amount's decimals.</summary>
public enum DecimalMark
{
    Unknown,
    Point,
    Comma,
}

/// <summary>What one amount's text says about its file's decimal mark.</summary>
public enum MarkEvidence
{
    /// <summary>No separator ("1000"): reads the same either way.</summary>
    None,
    Point,
    Comma,
    /// <summary>One separator with three digits after it ("1.500", "1,500"): a thousand and a half, or one and a half.</summary>
    Either,
}

public static class Money
{
    private static readonly Dictionary<char, string?> Symbols = new()
    {
        ['$'] = null, // Dollar of some country: not enough to name the currency.
        ['£'] = "GBP",
        ['€'] = "EUR",
        ['¥'] = "JPY",
        ['₹'] = "INR",
    };

    /// <summary>What <paramref name="raw"/> says about its file's decimal mark (see <see cref="FileDecimalMark"/>).</summary>
    public static MarkEvidence Observe(string? raw)
    {
        if (Digits(raw, out _, out _) is not { } text)
            return MarkEvidence.None;
        var (lastDot, lastComma) = (text.LastIndexOf('.'), text.LastIndexOf(','));
        if (lastDot >= 0 && lastComma >= 0)
            return lastDot > lastComma ? MarkEvidence.Point : MarkEvidence.Comma;
        if (lastDot < 0 && lastComma < 0)
            return MarkEvidence.None;
        var (mark, other) = lastDot >= 0 ? ('.', MarkEvidence.Comma) : (',', MarkEvidence.Point);
        if (text.Count(c => c == mark) > 1)
            return other; // "1.000.000": the dots group thousands, so the comma is the decimal mark
        return text.Length - text.LastIndexOf(mark) - 1 == 3 ? MarkEvidence.Either : mark == '.' ? MarkEvidence.Point : MarkEvidence.Comma;
    }

    /// <param name="mark">The file's decimal mark when known: "1.500" is then 1500 (comma) or 1.5 (point), never a guess.</param>
    public static bool TryParse(string? raw, out decimal amount, out string? currencyHint, DecimalMark mark = DecimalMark.Unknown)
    {
        amount = 0;
        if (Digits(raw, out var negative, out currencyHint) is not { } text)
            return false;
        var normalized = mark == DecimalMark.Unknown ? NormalizeSeparators(text) : WithMark(text, mark == DecimalMark.Point ? '.' : ',');
        if (normalized is null ||
            !decimal.TryParse(normalized, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount))
            return false;
        if (negative)
            amount = -amount;
        return true;
    }

    /// <summary>"1.234,56" read with ',' as the decimal mark: the other separator may only group thousands.</summary>
    private static string? WithMark(string text, char mark)
    {
        var group = mark == '.' ? ',' : '.';
        var at = text.LastIndexOf(mark);
        var integerPart = at < 0 ? text : text[..at];
        if (integerPart.Contains(mark) || !GroupsAreValid(integerPart, group))
            return null;
        return integerPart.Replace(group.ToString(), "") + (at < 0 ? "" : "." + text[(at + 1)..]);
    }

    /// <summary>The digits and separators of an amount, its sign and currency taken off; null when it is not one.</summary>
    private static string? Digits(string? raw, out bool negative, out string? currencyHint)
    {
        negative = false;
        currencyHint = null;
        if (string.IsNullOrWhiteSpace(raw))
            return null;

        var text = raw.Trim().Replace('\u00A0', ' ');
        if (text.StartsWith('(') && text.EndsWith(')'))
        {
            negative = true;
            text = text[1..^1].Trim();
        }
        if (text.StartsWith('-'))
        {
            negative = !negative;
            text = text[1..].Trim();
        }
        else if (text.EndsWith('-'))
        {
            negative = !negative;
            text = text[..^1].Trim();
        }

        // A three-letter code before or after the number ("USD 1,200.00", "1.200,00 EUR").
        if (text.Length > 4 && char.IsLetter(text[0]) && char.IsLetter(text[1]) && char.IsLetter(text[2]) && text[3] == ' ')
        {
            currencyHint = text[..3].ToUpperInvariant();
            text = text[4..].Trim();
        }
        else if (text.Length > 4 && char.IsLetter(text[^1]) && char.IsLetter(text[^2]) && char.IsLetter(text[^3]) && text[^4] == ' ')
        {
            currencyHint = text[^3..].ToUpperInvariant();
            text = text[..^4].Trim();
        }

        if (text.Length > 0 && Symbols.TryGetValue(text[0], out var symbolCurrency))
        {
            currencyHint ??= symbolCurrency;
            text = text[1..].Trim();
        }
        else if (text.Length > 0 && Symbols.TryGetValue(text[^1], out symbolCurrency))
        {
            currencyHint ??= symbolCurrency;
            text = text[..^1].Trim();
        }
        if (text.StartsWith('-')) // "$-100.00"
        {
            negative = !negative;
            text = text[1..];
        }

        text = text.Replace(" ", "").Replace("'", ""); // Thousands groups written with spaces or apostrophes.
        return text.Length == 0 || !text.All(c => char.IsAsciiDigit(c) || c is '.' or ',') ? null : text;
    }

    /// <summary>Decides which of '.' and ',' is the decimal separator and returns "1234.56" form.</summary>
    private static string? NormalizeSeparators(string text)
    {
        var lastDot = text.LastIndexOf('.');
        var lastComma = text.LastIndexOf(',');
        if (lastDot >= 0 && lastComma >= 0)
        {
            // Both present: the later one is the decimal separator ("1,234.56" or "1.234,56").
            var decimalSeparator = lastDot > lastComma ? '.' : ',';
            var groupSeparator = decimalSeparator == '.' ? ',' : '.';
            var integerPart = text[..Math.Max(lastDot, lastComma)];
            if (integerPart.Contains(decimalSeparator) || !GroupsAreValid(integerPart, groupSeparator))
                return null;
            return integerPart.Replace(groupSeparator.ToString(), "") + "." + text[(Math.Max(lastDot, lastComma) + 1)..];
        }
        if (lastComma >= 0)
        {
            var commas = text.Count(c => c == ',');
            var digitsAfter = text.Length - lastComma - 1;
            // "1,000" and "1,000,000" are thousands; "12,5" and "12,50" are a decimal comma.
            if (commas > 1 || digitsAfter == 3)
                return GroupsAreValid(text, ',') ? text.Replace(",", "") : null;
            return digitsAfter is >= 1 and <= 4 ? text.Replace(',', '.') : null;
        }
        if (text.Count(c => c == '.') > 1) // "1.000.000" in a decimal-comma locale.
            return GroupsAreValid(text, '.') ? text.Replace(".", "") : null;
        return text;
    }

    private static bool GroupsAreValid(string integerPart, char separator)
    {
        var groups = integerPart.Split(separator);
        if (groups.Length == 1)
            return groups[0].Length >= 1;
        return groups[0].Length is >= 1 and <= 3 && groups.Skip(1).All(g => g.Length == 3);
    }

    /// <summary>Invariant, two decimals at least, for messages and tables: "1,234.50".</summary>
    public static string Format(decimal amount) => amount.ToString("#,##0.00##", CultureInfo.InvariantCulture);
}
