using System.Globalization;

namespace ChaseBot.Core.Text;

/// <summary>A number with its noun in the right number: "1 invoice", "2 invoices", "0 messages".</summary>
public static class Counted
{
    public static string Of(int count, string noun, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:#,0} {(count == 1 ? noun : plural ?? noun + "s")}");
}

/// <summary>Names in sentences.</summary>
public static class Names
{
    /// <summary>"Kauri Digital Ltd's", "Hart & Sons'", "Quill Stationers'": an English possessive, never "Stationers's".</summary>
    public static string Possessive(string name) =>
        name.EndsWith('s') || name.EndsWith('S') ? name + "'" : name + "'s";
}
