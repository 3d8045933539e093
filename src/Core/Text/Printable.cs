using System.Text;

namespace ChaseBot.Core.Text;

/// <summary>
/// Text from an export or the ledger as a terminal or a log may show it: control characters (an escape that clears
/// the screen or hides the rest of a line) and invisible or direction-changing characters become visible escapes
/// ("\x1b", "\u202e"), so what is printed is what is stored and nothing printed can act on the terminal.
/// </summary>
public static class Printable
{
    public static string Of(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(Hidden))
            return text ?? "";
        var shown = new StringBuilder(text.Length + 8);
        foreach (var c in text)
            shown.Append(!Hidden(c) ? c.ToString() : c < 0x100 ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
        return shown.ToString();
    }

    private static bool Hidden(char c) => char.IsControl(c) || Lookalikes.Hidden(c.ToString()) is not null;
}
