using System.Globalization;

namespace ChaseBot.Core.Text;

/// <summary>
/// Characters that make two names look the same while being different (a zero-width space after "INV-0101"), or make a
/// name read differently from how it is stored (a right-to-left override), or take over a terminal (an escape). An
/// import refuses a row whose invoice number or client name holds one, saying which and where, rather than storing a
/// second "Kauri Digital Ltd" nobody can tell from the first.
/// </summary>
public static partial class Lookalikes
{
    /// <summary>"an invisible character (U+200B ZERO WIDTH SPACE) at character 9", or null when there is none.</summary>
    public static string? Hidden(string text)
    {
        for (var i = 0; i < text.Length; i++)
            if (Describe(text[i]) is { } what)
                return $"{what} at character {i + 1}";
        return null;
    }

    /// <summary>
    /// "a digit that is not 0-9 (U+FF11) at character 5", or null: "INV-０１" reads as "INV-01" and would be another
    /// invoice. Only invoice numbers are held to this; a name may be written in any script.
    /// </summary>
    public static string? OtherDigit(string text)
    {
        var at = 1;
        foreach (var rune in text.EnumerateRunes())
        {
            if (System.Text.Rune.IsDigit(rune) && !(rune.IsAscii && char.IsAsciiDigit((char)rune.Value)))
                return $"a digit that is not 0-9 (U+{rune.Value:X4}) at character {at}";
            at += rune.Utf16SequenceLength;
        }
        return null;
    }

    /// <summary>
    /// Unicode NFC, so "é" written as one character or as "e" and an accent is the same name; and a line break or tab
    /// inside a quoted cell ("Multi⏎Line Ltd") as one space, as chat and the terminal will show it (the client's match
    /// key already read it so: no client is renamed by this).
    /// </summary>
    public static string Normalized(string text)
    {
        var composed = text.IsNormalized(System.Text.NormalizationForm.FormC) ? text : text.Normalize(System.Text.NormalizationForm.FormC);
        return composed.AsSpan().IndexOfAny('\t', '\r', '\n') < 0 ? composed : BrokenLines().Replace(composed, " ");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@" *[\t\r\n][\t\r\n ]*")]
    private static partial System.Text.RegularExpressions.Regex BrokenLines();

    private static string? Describe(char c) => c switch
    {
        '\u200B' => Invisible(c, "ZERO WIDTH SPACE"),
        '\u200C' => Invisible(c, "ZERO WIDTH NON-JOINER"),
        '\u200D' => Invisible(c, "ZERO WIDTH JOINER"),
        '\u2060' => Invisible(c, "WORD JOINER"),
        '\uFEFF' => Invisible(c, "ZERO WIDTH NO-BREAK SPACE, a byte order mark"),
        '\u00AD' => Invisible(c, "SOFT HYPHEN"),
        '\u180E' => Invisible(c, "MONGOLIAN VOWEL SEPARATOR"),
        '\u200E' => Bidi(c, "LEFT-TO-RIGHT MARK"),
        '\u200F' => Bidi(c, "RIGHT-TO-LEFT MARK"),
        '\u061C' => Bidi(c, "ARABIC LETTER MARK"),
        '\u202A' => Bidi(c, "LEFT-TO-RIGHT EMBEDDING"),
        '\u202B' => Bidi(c, "RIGHT-TO-LEFT EMBEDDING"),
        '\u202C' => Bidi(c, "POP DIRECTIONAL FORMATTING"),
        '\u202D' => Bidi(c, "LEFT-TO-RIGHT OVERRIDE"),
        '\u202E' => Bidi(c, "RIGHT-TO-LEFT OVERRIDE"),
        '\u2066' => Bidi(c, "LEFT-TO-RIGHT ISOLATE"),
        '\u2067' => Bidi(c, "RIGHT-TO-LEFT ISOLATE"),
        '\u2068' => Bidi(c, "FIRST STRONG ISOLATE"),
        '\u2069' => Bidi(c, "POP DIRECTIONAL ISOLATE"),
        '\uFFFD' => $"a byte that is not UTF-8 (shown as U+FFFD)",
        '\t' or '\r' or '\n' => null, // a cell's line break: made a space by Normalized, not a look-alike
        _ when char.IsControl(c) => $"a control character (U+{(int)c:X4})",
        _ when CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format => $"an invisible formatting character (U+{(int)c:X4})",
        _ => null,
    };

    private static string Invisible(char c, string name) => $"an invisible character (U+{(int)c:X4} {name})";
    private static string Bidi(char c, string name) => $"a text-direction control (U+{(int)c:X4} {name})";
}
