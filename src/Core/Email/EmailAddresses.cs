using System.Net.Mail;

namespace ChaseBot.Core.Email;

/// <summary>
/// Which addresses a client may be emailed at. One rule for chat and exports: a single plain address (no display
/// name, no list, no CR/LF or other control characters that could add a header or a recipient), at most 320
/// characters, as RFC 5321 allows.
/// </summary>
public static class EmailAddresses
{
    public const int MaxLength = 320;

    /// <summary>At most this many CC addresses per client, however many an export or a person lists.</summary>
    public const int MaxCc = 10;

    /// <summary>The address, trimmed, when it is one plain valid address; null otherwise.</summary>
    public static string? Valid(string? text)
    {
        var address = text?.Trim();
        if (string.IsNullOrEmpty(address) || address.Length > MaxLength || address.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) ||
            address.IndexOfAny([',', ';', '<', '>', '"']) >= 0)
            return null;
        return MailAddress.TryCreate(address, out var parsed) && parsed.Address == address && parsed.DisplayName.Length == 0 &&
               address.IndexOf('@') is var at and > 0 && address.IndexOf('.', at) > at + 1
            ? address
            : null;
    }

    /// <summary>
    /// An export's address cell, which some exports fill with several ("ap@x.example; boss@x.example"): the first valid
    /// one is the billing address, the next valid ones (at most <see cref="MaxCc"/>) its CCs. A part that is not a
    /// plain address is left out, never "fixed".
    /// </summary>
    public static (string? Billing, string? Cc) FromExport(string? cell)
    {
        var valid = (cell ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Valid).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return valid.Count == 0 ? (null, null)
            : (valid[0], valid.Count == 1 ? null : string.Join(", ", valid.Skip(1).Take(MaxCc)));
    }

    /// <summary>A stored CC list ("a@x.example, b@y.example") as addresses.</summary>
    public static IReadOnlyList<string> List(string? stored) =>
        (stored ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The client-facing email inside an approved text: from its "Subject:" line to the end (a checklist before it is
    /// for the person acting, not the client). Null for texts that are not addressed to the client.
    /// </summary>
    public static (string Subject, string Body)? ClientEmailIn(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var at = Array.FindIndex(lines, l => l.TrimStart().StartsWith("Subject: ", StringComparison.Ordinal));
        if (at < 0)
            return null;
        var subject = lines[at].Trim()["Subject: ".Length..].Trim();
        var body = string.Join('\n', lines.Skip(at + 1).Select(l => l.TrimEnd())).Trim('\n');
        return (subject, body);
    }
}
