namespace ChaseBot.Core.Ledger;

/// <summary>
/// One change to the ledger and who or what made it. Append-only: rows are never updated.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }

    /// <summary>"import run 12 (xero-2026-11.csv)", "cli:alice", "slack:U123".</summary>
    public required string Actor { get; set; }

    /// <summary>Dotted verb: invoice.created, invoice.updated, invoice.missing, payment.recorded, client.created.</summary>
    public required string Action { get; set; }
    public required string Subject { get; set; }

    /// <summary>Human-readable detail, e.g. "amount due 1,200.00 → 700.00".</summary>
    public string? Details { get; set; }
}
