using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChaseBot.Core.Slack;

/// <summary>
/// Slack's request signing (v0): HMAC-SHA256 of "v0:{timestamp}:{raw body}" keyed with the signing secret, compared
/// in constant time, and only within five minutes of now. Checked on the raw bytes before anything is parsed.
/// </summary>
public static class SlackSignature
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static string Compute(string signingSecret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var baseString = new byte[prefix.Length + body.Length];
        prefix.CopyTo(baseString, 0);
        body.CopyTo(baseString.AsSpan(prefix.Length));
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), baseString));
    }

    /// <summary>Null when the request is genuine and fresh; otherwise why not (for the log, never for the caller).</summary>
    public static string? Problem(string signingSecret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
            return "missing X-Slack-Request-Timestamp or X-Slack-Signature";
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return "timestamp is not a number";
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if ((now - sent).Duration() > Window)
            return "timestamp outside the five-minute window";
        var expected = Encoding.ASCII.GetBytes(Compute(signingSecret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : "signature does not match";
    }
}
