namespace ChaseBot.Core.Digests;

/// <summary>
/// A digest's picture, drawn once when the digest is composed and kept in the ledger, so that every platform sends the
/// same bytes however late the outbox delivers them, and the Bot can serve it to Teams (<c>/charts/{token}.png</c>).
/// </summary>
public sealed class DigestChart
{
    public long Id { get; set; }
    /// <summary>The ledger's day the chart shows.</summary>
    public DateOnly AsOf { get; set; }
    public required byte[] Png { get; set; }
    /// <summary>The picture in words, sent with it (Slack's alt text, the Teams image's).</summary>
    public required string AltText { get; set; }
    public DateTime CreatedAt { get; set; }
}
