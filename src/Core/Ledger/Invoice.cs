namespace ChaseBot.Core.Ledger;

/// <summary>
/// One invoice as the accounting tool last reported it. Keyed by (Source, Number): the same number
/// in Xero and in Stripe is two invoices.
/// </summary>
public sealed class Invoice
{
    public long Id { get; set; }

    /// <summary>The accounting system the invoice comes from ("xero", "quickbooks", ...).</summary>
    public required string Source { get; set; }
    public required string Number { get; set; }

    public long ClientId { get; set; }
    public Client Client { get; set; } = null!;

    public DateOnly? IssueDate { get; set; }
    public DateOnly DueDate { get; set; }

    /// <summary>ISO 4217 code. Amounts in different currencies are never added together.</summary>
    public required string Currency { get; set; }
    public decimal Total { get; set; }
    public decimal AmountPaid { get; set; }
    public decimal AmountDue { get; set; }
    public InvoiceStatus Status { get; set; }

    /// <summary>Set when a later export of the same source no longer lists the invoice. Not the same as paid.</summary>
    public DateTime? MissingSince { get; set; }

    public DateOnly? SnoozedUntil { get; set; }

    public long? LastImportRunId { get; set; }

    /// <summary>
    /// The rows the invoice was last imported from and the values they gave it (<see cref="Exports.ImportFingerprint"/>):
    /// a re-import whose rows and ledger values give the same fingerprint passes over them unread. Null when the last
    /// import could not vouch for it (a row rejected, a logged payment kept over the export's).
    /// </summary>
    public long? ImportFingerprint { get; set; }

    /// <summary>Where the client can pay this invoice online (the export's hosted or online invoice link), said in every client text.</summary>
    public string? PaymentLink { get; set; }

    /// <summary>The invoice's id in a connected source ("in_1Nv…" in Stripe): how it is read again before anything is sent about it.</summary>
    public string? SourceId { get; set; }

    /// <summary>
    /// The "as of" of the export that last set these facts (UTC). An older export never changes them: a stale download
    /// must not reopen an invoice that a newer one showed paid.
    /// </summary>
    public DateTime? FactsAsOf { get; set; }

    /// <summary>
    /// Set when a newer export turned this invoice from paid back to unpaid: nothing is chased until a person confirms
    /// with /chase reopen (a refund, a bounced payment, or a mistake in the books).
    /// </summary>
    public DateTime? ReopenedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public List<Payment> Payments { get; set; } = [];
    public List<Dispute> Disputes { get; set; } = [];
    public List<PaymentPromise> Promises { get; set; } = [];
}
