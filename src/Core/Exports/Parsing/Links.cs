namespace ChaseBot.Core.Exports.Parsing;

/// <summary>Links an export carries, taken only when a client could safely be sent them.</summary>
public static class Links
{
    public const int MaxLength = 2000;

    /// <summary>
    /// An invoice's payment link: one absolute https (or http) address with a host, nothing else in the cell; otherwise
    /// none. A client email must never carry a half-link, a javascript: address or text that only looks like a link.
    /// </summary>
    public static string? PaymentLink(string? cell)
    {
        var text = cell?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '~'))
            return null;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Host.Length > 0 &&
               string.IsNullOrEmpty(uri.UserInfo)
            ? text
            : null;
    }
}
