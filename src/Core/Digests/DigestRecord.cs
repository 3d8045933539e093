namespace ChaseBot.Core.Digests;

/// <summary>A digest that was composed: "what changed since the last digest" starts from the previous one.</summary>
public sealed class DigestRecord
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    /// <summary>"scheduled:2026-11-23" for the daily one (once a day), "on-demand:…" for the digest command.</summary>
    public required string Key { get; set; }
}
