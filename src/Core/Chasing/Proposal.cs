using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Chasing;

public enum ProposalStatus
{
    Pending,
    Approved,
    Rejected,
    Snoozed,
    /// <summary>
    /// No longer stands: the invoice was settled, or chasing it went on hold (disputed, promised, snoozed, paused),
    /// before anyone approved it. Not a human decision: once chasing may go on, it is put to a human again.
    /// </summary>
    Withdrawn,
}

/// <summary>An escalation step waiting for, or given, a human decision. Default-deny: nothing happens until approved.</summary>
public sealed class Proposal
{
    public long Id { get; set; }
    public long InvoiceId { get; set; }
    public Invoice Invoice { get; set; } = null!;
    public required string Step { get; set; }
    public ProposalStatus Status { get; set; }
    public DateOnly ProposedOn { get; set; }
    public DateTime ProposedAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    public DateOnly? DecidedOn { get; set; }
    /// <summary>Why it was rejected (or the note given with the decision).</summary>
    public string? Reason { get; set; }
    public DateOnly? SnoozedUntil { get; set; }
    /// <summary>How many times a snoozed proposal has come back.</summary>
    public int Resurfaced { get; set; }
}
