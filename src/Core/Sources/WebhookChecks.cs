using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Sources;

/// <summary>What a webhook request gets: the status, and a short body that says why (never a secret); empty where the books want none.</summary>
public sealed record WebhookAnswer(int Status, string Body);

/// <summary>What the webhooks of books that sign with a shared key (Xero, QuickBooks Online) have in common.</summary>
public static class WebhookChecks
{
    /// <summary>
    /// The answer to a request that must go no further: 404 while the books' webhook is not set up (<paramref name="setting"/>
    /// names what to set), 401 with an empty body when the signature does not match. Null when it is signed with the key.
    /// </summary>
    public static WebhookAnswer? Refusal(byte[] body, string? signature, string? key, string books, string setting, ILogger log)
    {
        if (key is not { Length: > 0 })
            return new WebhookAnswer(404, $"{books} webhooks are not set up ({setting})");
        if (SignedWith(body, signature, key))
            return null;
        log.LogWarning("{Books} webhook refused: its signature does not match", books);
        Telemetry.ChaseMetrics.Refused.Add(1, new KeyValuePair<string, object?>("endpoint", $"webhooks/{books.ToLowerInvariant()}"));
        return new WebhookAnswer(401, "");
    }

    /// <summary>
    /// <paramref name="signature"/> is the base64 HMAC-SHA256 of the raw body with <paramref name="key"/>, compared in
    /// fixed time: how much of a guess matched says nothing.
    /// </summary>
    public static bool SignedWith(byte[] body, string? signature, string key)
    {
        if (string.IsNullOrEmpty(signature))
            return false;
        var given = new byte[32];
        if (!Convert.TryFromBase64String(signature.Trim(), given, out var length) || length != given.Length)
            return false;
        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body), given);
    }

    /// <summary>
    /// Waits for <paramref name="reading"/> at most <paramref name="within"/>: the books want their answer in a few
    /// seconds, and a reading that takes longer goes on after it (the next sync is the net under it).
    /// </summary>
    public static async Task<bool> FinishedWithinAsync(Task reading, TimeSpan within, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var done = await Task.WhenAny(reading, Task.Delay(within, stop.Token)) == reading;
        await stop.CancelAsync();
        return done;
    }
}
