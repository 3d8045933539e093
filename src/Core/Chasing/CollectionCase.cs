using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// One client's collection, in one currency: the unit the harsh rungs act on (late notice → service reduction → final
/// notice → suspension → hand-off). Opened when the first of those is proposed; it covers every overdue invoice of the
/// client in that currency, so a new overdue invoice joins it instead of starting a second ladder. Closed when nothing
/// overdue is left. Reminders stay per invoice.
/// </summary>
public sealed class CollectionCase
{
    public long Id { get; set; }
    public long ClientId { get; set; }
    public Client Client { get; set; } = null!;
    /// <summary>Amounts in different currencies cannot be added, so each currency a client owes in is its own case.</summary>
    public required string Currency { get; set; }
    public DateOnly OpenedOn { get; set; }
    public DateTime OpenedAt { get; set; }
    public DateOnly? ClosedOn { get; set; }
    public DateTime? ClosedAt { get; set; }
    /// <summary>Why it closed ("settled"), in words.</summary>
    public string? ClosedReason { get; set; }
    /// <summary>
    /// An approver claimed the late-payment charges the final notice offered (/chase interest &lt;client&gt; claim): a
    /// thank-you for a late payment then lists them as still due, separately. Null: not claimed (the default, and a waiver).
    /// </summary>
    public DateOnly? ChargesClaimedOn { get; set; }
}

/// <summary>
/// What happened to one rung for one case. The unique (CaseId, Step) key is what makes a rung fire at most once per
/// case, however many invoices the case covers: one decision per case per rung, across reruns and racing Workers.
/// </summary>
public sealed class CaseStepRecord
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public required string Step { get; set; }
    public StepOutcome Outcome { get; set; }
    public string? Reason { get; set; }
    public DateOnly Day { get; set; }
    public DateTime At { get; set; }
}

/// <summary>An invoice a proposal covers: what it was about when it was put to a human, checked again at the click.</summary>
public sealed class ProposalInvoice
{
    public long ProposalId { get; set; }
    public long InvoiceId { get; set; }
    public Invoice Invoice { get; set; } = null!;
}
