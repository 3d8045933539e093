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
    /// <summary>The invoice that brought the case to this rung (its oldest overdue one then); the case's texts cover them all.</summary>
    public long InvoiceId { get; set; }
    public Invoice Invoice { get; set; } = null!;
    /// <summary>The collection case the rung belongs to; null only for proposals made before cases existed and not adopted.</summary>
    public long? CaseId { get; set; }
    public CollectionCase? Case { get; set; }
    /// <summary>Every invoice the proposal is about, as it was proposed (or last brought back).</summary>
    public List<ProposalInvoice> Covers { get; set; } = [];
    public required string Step { get; set; }
    public ProposalStatus Status { get; set; }
    public DateOnly ProposedOn { get; set; }
    public DateTime ProposedAt { get; set; }
    /// <summary>The day it was last put to a person again (back from snooze, updated after a withdrawal); null if never.
    /// "Waiting N days" counts from this, or from ProposedOn.</summary>
    public DateOnly? PutOn { get; set; }
    public string? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    public DateOnly? DecidedOn { get; set; }
    /// <summary>Why it was rejected (or the note given with the decision).</summary>
    public string? Reason { get; set; }
    public DateOnly? SnoozedUntil { get; set; }
    /// <summary>How many times a snoozed proposal has come back.</summary>
    public int Resurfaced { get; set; }
}
