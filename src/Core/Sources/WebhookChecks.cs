using System.Security.Cryptography;
using System.Text;

namespace ChaseBot.Core.Sources;

/// <summary>What a webhook request gets: the status, and a short body that says why (never a secret); empty where the books want none.</summary>
public sealed record WebhookAnswer(int Status, string Body);

/// <summary>What the webhooks of books that sign with a shared key (Xero, QuickBooks Online) have in common.</summary>
public static class WebhookChecks
{
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
