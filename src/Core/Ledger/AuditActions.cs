namespace ChaseBot.Core.Ledger;

/// <summary>
/// The audit history's verbs (<see cref="AuditEntry.Action"/>), written in one place: what writes an entry and what
/// reads the history back (the case report, the digest) name the same constant, so neither can drift from the other.
/// </summary>
public static class AuditActions
{
    public const string CaseClosed = "case.closed";
    public const string CaseOpened = "case.opened";
    public const string ChargesClaimed = "charges.claimed";
    public const string ChargesWaived = "charges.waived";

    public const string ChaseStopped = "chase.stopped";

    public const string ClientCreated = "client.created";
    public const string ClientPaused = "client.paused";
    public const string ClientResumed = "client.resumed";
    public const string ClientUpdated = "client.updated";

    /// <summary>A draft the person sent to the client themselves ("Mark as sent").</summary>
    public const string DraftMarkedSent = "draft.marked-sent";

    public const string DisputeOpened = "dispute.opened";
    public const string DisputeResolved = "dispute.resolved";

    public const string EmailSent = "email.sent";
    public const string EmailWithdrawn = "email.withdrawn";

    public const string InvoiceCreated = "invoice.created";
    public const string InvoiceMissing = "invoice.missing";
    public const string InvoiceReappeared = "invoice.reappeared";
    public const string InvoiceReopened = "invoice.reopened";
    /// <summary>A person confirmed that an invoice the books show owing again after it was paid is owed.</summary>
    public const string InvoiceReopenConfirmed = "invoice.reopen-confirmed";
    public const string InvoiceResumed = "invoice.resumed";
    public const string InvoiceSnoozed = "invoice.snoozed";
    public const string InvoiceUpdated = "invoice.updated";


    public const string PaymentLogged = "payment.logged";
    public const string PaymentRecorded = "payment.recorded";

    public const string PromiseBroken = "promise.broken";
    public const string PromiseRecorded = "promise.recorded";

    public const string ProposalCreated = "proposal.created";
    public const string ProposalResurfaced = "proposal.resurfaced";
    public const string ProposalRemindFirst = "proposal.remind-first";
    public const string ProposalWithdrawn = "proposal.withdrawn";

    public const string SourceConnected = "source.connected";
    public const string SourceDisconnected = "source.disconnected";

    /// <summary>"case.opened", "case.closed": a collection case's outcome.</summary>
    public static string Case(Enum outcome) => $"case.{outcome.ToString().ToLowerInvariant()}";

    /// <summary>"proposal.approved", "proposal.rejected"…: what a proposal became.</summary>
    public static string Proposal(Enum status) => $"proposal.{status.ToString().ToLowerInvariant()}";
}
