namespace ChaseBot.Core.Ledger;

/// <summary>An open dispute pauses chasing of its invoice until it is resolved.</summary>
public sealed class Dispute
{
    public long Id { get; set; }
    public long InvoiceId { get; set; }
    public Invoice Invoice { get; set; } = null!;
    public required string Reason { get; set; }
    public required string OpenedBy { get; set; }
    public DateTime OpenedAt { get; set; }
    public string? ResolvedBy { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public string? ResolutionNote { get; set; }
}
