using ChaseBot.Core.Delivery;
using ChaseBot.Core.Email;
using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.Chasing;

/// <summary>A reminder due for one invoice in this run.</summary>
public sealed record DueReminder(InvoiceView Invoice, LadderStep Step, string Reason, bool RemindedBefore);

/// <summary>The chase's messages, composed once and platform-neutral.</summary>
public static class ChaseMessages
{
    /// <summary>Begins the line a waiting proposal carries; once it is decided or withdrawn the line is no longer true and goes.</summary>
    public const string DecisionPending = "Nothing is sent or changed until an approver decides.";

    /// <summary>
    /// A proposal's card once it is decided or withdrawn, on every platform: its <see cref="DecisionPending"/> line is no
    /// longer true, its buttons are gone, and the outcome (when given) ends it. Slack's blocks drop the same line
    /// (<c>BlockKit.Decided</c>).
    /// </summary>
    public static Delivery.ChatMessage Settled(Delivery.ChatMessage card, string? outcome = null) => card with
    {
        Actions = [],
        Lines = [.. card.Lines.Where(l => !l.StartsWith(DecisionPending, StringComparison.Ordinal)), .. outcome is null ? Array.Empty<string>() : [outcome]],
    };

    /// <summary>One message per client per run, however many of its invoices are due a reminder.</summary>
    /// <param name="ahead">A "pay by" date a delivered message gave that is still ahead: repeated, never moved.</param>
    public static ChatMessage Reminders(ClientView client, IReadOnlyList<DueReminder> due, DateOnly today, string sender, DateOnly? ahead = null)
    {
        var strongest = due.MaxBy(d => d.Step.Day)!.Step;
        var totals = string.Join(", ", due.GroupBy(d => d.Invoice.Currency)
            .Select(g => $"{g.Key} {Money.Format(g.Sum(d => d.Invoice.AmountDue))}"));
        var upcoming = due.All(d => d.Invoice.DaysLate < 0);
        return new ChatMessage
        {
            Title = upcoming
                ? $"{client.Name}: {Text.Counted.Of(due.Count, "invoice")} due soon ({totals})"
                : $"{client.Name}: {Text.Counted.Of(due.Count, "invoice")} overdue ({totals})",
            Mentions = [.. client.Mentions],
            Lines =
            [
                .. due.Select(d => $"{d.Invoice.Number} · {d.Invoice.Amount} · due {Short(d.Invoice.DueDate)}" +
                                   (d.Invoice.DaysLate > 0 ? $" ({d.Invoice.Late} late)" : "") + $" · {d.Step.Title}" +
                                   (d.Reason.Contains("promise", StringComparison.Ordinal) ? $" · {d.Reason}" : "")),
                .. client.BillingEmail is null
                    ? [$"No billing address is recorded for {client.Name}; add it with: /chase client \"{client.Name}\" email accounts@…"]
                    : strongest.CopiesAccounts && client.CcAddresses is null
                        ? [$"No CC address is recorded for {client.Name}; add their accounts team with: /chase client \"{client.Name}\" cc accounts@…"]
                        : Array.Empty<string>(),
                SendItYourself,
            ],
            Email = EmailDrafts.Reminder(strongest.Id, client, due.Select(d => d.Invoice).ToList(), today, sender,
                due.Any(d => d.RemindedBefore), ahead),
            Draft = new ClientDraft(client.Id, strongest.Id, EmailDrafts.PayBy(strongest.Id, today, ahead)),
        };
    }

    /// <summary>The one instruction on a draft ChaseBot does not send itself.</summary>
    public const string SendItYourself = "Copy and send this email yourself, then press Mark as sent (or: /chase sent <client>), so later messages count it.";

    /// <summary>A draft the person sends themselves: its instruction and its "Mark as sent" button.</summary>
    public static ChatMessage ToSendByHand(ChatMessage draft, OutboxKey key) => draft with
    {
        Actions = [.. draft.Actions, new ChatAction(ClientContacts.MarkSentAction, ClientContacts.MarkSentLabel, key.Value)],
    };

    /// <summary>Begins the line saying ChaseBot will email a draft; once it has, the "Sent to …" line replaces it.</summary>
    public const string WillEmail = "ChaseBot emails ";

    /// <summary>A draft ChaseBot emails itself: the instruction to send it by hand becomes what ChaseBot will do.</summary>
    public static ChatMessage ToBeEmailed(ChatMessage draft, string to, string? cc, string what = "this") => draft with
    {
        Lines = [.. draft.Lines.Where(l => l != SendItYourself), $"{WillEmail}{what} to {to}" + (cc is null ? "" : $" (cc {cc})") + " at the next allowed hour; this message says when it went."],
    };

    /// <param name="back">How a proposal brought back is titled ("Back from snooze"); null for a new one.</param>
    /// <param name="told">What the client was told of this consequence, and when (see <see cref="Told"/>).</param>
    /// <param name="record">The client's record (how late they pay, promises kept), so the approver decides knowing it.</param>
    public static ChatMessage Proposal(long proposalId, CaseView c, LadderStep step, string reason, string artifact, string? back = null, string? told = null,
        string? record = null)
    {
        var critical = step.AlwaysNeedsApproval;
        var id = proposalId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var firstContact = c.History.Contact.Count == 0 && EmailAddresses.ClientEmailIn(artifact) is not null;
        // A formal notice should not be anyone's first word from us: the approver may send the reminder text instead.
        var remindFirst = firstContact && step.Id == ChaseLadder.LateNotice;
        return new ChatMessage
        {
            Title = step.Id == ChaseLadder.RestoreAccess
                ? $"{back ?? "Proposal"}: {step.Title} for {c.Client.Name} ({c.Currency} {Money.Format(c.Overdue.Sum(i => i.Total))} paid in full on {c.Numbers})"
                : $"{back ?? "Proposal"}: {step.Title} for {c.Client.Name} ({c.Total} overdue on {c.Numbers})",
            Mentions = [.. c.Client.Mentions],
            Lines =
            [
                $"Why now: {reason}.",
                .. record is null ? Array.Empty<string>() : [record],
                .. told is null ? Array.Empty<string>() : [told],
                .. c.Charges is { } charges
                    ? LatePayment.LateChargesText.CardLines(charges, c.ChargesAsOf, c.ChargesWaiver)
                    : Array.Empty<string>(),
                .. firstContact
                    ? [$"Nothing from you has reached {c.Client.Name} yet (no reminder was emailed or marked as sent): this would be the first message they get." +
                       (remindFirst ? " Remind first sends them a reminder now instead, and brings this notice back once its date has passed." : "")]
                    : Array.Empty<string>(),
                step.Id == ChaseLadder.RestoreAccess
                    ? DecisionPending + " Once access works again, press \"Access is back: tell the client\" and the email below goes to them; snooze to be asked again in 7 days."
                    : DecisionPending + " Approve to use the text below; snooze to be asked again in 7 days; reject to close this step.",
            ],
            Artifact = artifact,
            Actions =
            [
                new(ProposalActions.Approve, step.Id == ChaseLadder.RestoreAccess ? "Access is back: tell the client" : "Approve", id, "primary",
                    critical ? $"Approve \"{step.Title}\" for {c.Client.Name}? This affects their service; make sure the contract allows it." : null),
                .. remindFirst ? [new ChatAction(ProposalActions.RemindFirst, "Remind first", id)] : Array.Empty<ChatAction>(),
                new(ProposalActions.Snooze, "Snooze 7 days", id),
                new(ProposalActions.Reject, "Reject", id, "danger"),
            ],
        };
    }

    /// <summary>
    /// For a rung that carries out what a notice threatened (a suspension): what the client was told and when, so the
    /// approver decides knowing it; or that the notice never reached them.
    /// </summary>
    public static string? Told(CaseView c, LadderStep step, ChaseLadder ladder, int graceDays)
    {
        var referral = step.Id == ChaseLadder.HandOff && !c.Client.MaySuspend && c.Client.ReferTo is not null;
        if (step.Id != ChaseLadder.Suspension && !referral || c.History.ApprovedOn(ChaseLadder.FinalNotice) is not { } approvedOn ||
            ladder.ClientDeadline(ChaseLadder.FinalNotice, approvedOn) is not { } payBy)
            return null;
        var from = EscalationArtifacts.ConsequenceFrom(payBy, graceDays);
        var what = referral ? $"the debt may be referred to {c.Client.ReferTo}" : "access may be suspended";
        return c.History.DeliveredOn(ChaseLadder.FinalNotice) is { } sentOn
            ? $"What {c.Client.Name} was told: the final notice of {Short(sentOn)} said {what} from {Short(from)} if nothing was paid or agreed by {Short(payBy)}."
            : $"The final notice approved on {Short(approvedOn)} is not recorded as reaching {c.Client.Name}: they have not been told of {(referral ? "a referral" : "a suspension")}. " +
              "Send it (then press Mark as sent) before approving this.";
    }

    private static string Short(DateOnly day) => day.ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture);

    public static ChatMessage GuardNote(CaseView c, LadderStep step, string missing)
    {
        var clause = step.Guard == StepGuard.ServiceChanges ? "service-changes" : "owned-until-paid";
        return new ChatMessage
        {
            Title = $"Not proposed: {step.Title} for {c.Client.Name}",
            Mentions = [.. c.Client.Mentions],
            Lines =
            [
                $"ChaseBot would have proposed this step today ({c.Total} overdue on {c.Numbers}), but {missing}.",
                $"If the contract does allow it, record the clause and the next run will consider it: /chase client \"{c.Client.Name}\" allow {clause}",
                "The case moves on to the next step when its day comes.",
            ],
        };
    }

    /// <summary>To the channel: an invoice that was chased is voided in the books, so its chase has stopped.</summary>
    public static ChatMessage WrittenOff(ClientView client, string number, string amount, IReadOnlyList<InvoiceView> stillOverdue) => new()
    {
        Title = $"Written off: {number} ({client.Name}, {amount}) was voided in the books",
        Mentions = [.. client.Mentions],
        Lines =
        [
            stillOverdue.Count == 0
                ? $"Its chase has stopped, and {client.Name} has nothing else overdue, so their case is closed (its history stays in /chase case)."
                : $"Its chase has stopped. {client.Name} still owes {Totals(stillOverdue)} on {Text.Counted.Of(stillOverdue.Count, "overdue invoice")}, and chasing goes on for {(stillOverdue.Count == 1 ? "it" : "them")}.",
            "Nothing is sent to the client about it.",
        ],
    };

    /// <summary>To the owner, privately: a write-off stings; what the guides suggest for next time.</summary>
    public static ChatMessage WriteOffCheckIn(ClientView client, string number, string amount) => new()
    {
        Title = $"{number} for {client.Name} ({amount}) is written off",
        Lines =
        [
            "That one is closed, and it is not a verdict on your work: most unpaid invoices come from a client's cash or chaos, not from anything you did.",
            "For the next engagement, three things make this less likely: the scope agreed in writing before work starts; milestone payments (a deposit up front, then as work is delivered); and a quick check of a new client's payment record.",
            "Just for you: nobody else sees this.",
        ],
    };

    /// <summary>An export shows an invoice owing again after it was paid: a person must look before anyone is chased.</summary>
    public static ChatMessage Reopened(ClientView client, InvoiceView invoice) => new()
    {
        Title = $"Owing again: {invoice.Number} ({client.Name}) was paid, and the latest export shows {invoice.Amount} due",
        Mentions = [.. client.Mentions],
        Lines =
        [
            "A refund, a bounced payment or a correction in the books can do this; so can an export from the wrong account.",
            $"Nothing is sent to {client.Name} about it until you confirm it is owed: /chase reopen {invoice.Number}",
        ],
    };

    public static ChatMessage BrokenPromise(ClientView client, InvoiceView invoice, string reason) => new()
    {
        Title = $"Promise broken: {invoice.Number} ({client.Name})",
        Mentions = [.. client.Mentions],
        Lines = [$"{reason}; {invoice.Amount} is still due ({invoice.DaysLate} days late). The chase resumes with the next step."],
    };

    /// <param name="payBy">The date the approved text asks payment by, if it gives one.</param>
    public static ChatMessage Approved(CaseView c, LadderStep step, string approver, string artifact, DateOnly? payBy = null)
    {
        var toClient = Email.EmailAddresses.ClientEmailIn(artifact) is not null;
        return new()
        {
            Title = step.Id == ChaseLadder.RestoreAccess
                ? $"Approved: {step.Title} for {c.Client.Name} ({c.Currency} {Money.Format(c.Overdue.Sum(i => i.Total))} paid in full on {c.Numbers})"
                : $"Approved: {step.Title} for {c.Client.Name} ({c.Total} overdue on {c.Numbers})",
            Mentions = [.. c.Client.Mentions],
            Lines = toClient
                ? [$"Approved by {approver}, with today's figures.", SendItYourself]
                : [$"Approved by {approver}, with today's figures. The plan below is for you to act on."],
            Artifact = artifact,
            Draft = toClient ? new ClientDraft(c.Client.Id, step.Id, payBy) : null,
        };
    }

    /// <summary>To the channel: a thank-you and receipt the person chasing can send to the client.</summary>
    /// <param name="remaining">The client's invoices still overdue: while there are any, the chase has not stopped.</param>
    public static ChatMessage Receipt(ClientView client, int invoices, string artifact, IReadOnlyList<InvoiceView> remaining) => new()
    {
        Title = $"Paid: {client.Name} settled {Text.Counted.Of(invoices, "chased invoice")}",
        Mentions = [.. client.Mentions],
        Lines =
        [
            remaining.Count == 0
                ? $"{client.Name} has nothing overdue now, so the chase has stopped.{ReceiptToSend}"
                : $"{client.Name} still owes {Totals(remaining)} on {Text.Counted.Of(remaining.Count, "overdue invoice")}, and chasing goes on for " +
                  $"{(remaining.Count == 1 ? "it" : "them")}.{ReceiptToSend}",
        ],
        Artifact = artifact,
    };

    /// <summary>The receipt's line once ChaseBot emails it: it is no longer one "you can send".</summary>
    public static string ReceiptSentByChaseBot(string line) => line.Replace(ReceiptToSend, " The thank-you and receipt:", StringComparison.Ordinal);

    private const string ReceiptToSend = " A thank-you and receipt you can send:";

    /// <summary>To the owner, privately: the channel does not need the numbers shouted.</summary>
    public static ChatMessage Thanks(ClientView client, string invoiceNumber, int stillOverdue) => new()
    {
        Title = $"Paid: {client.Name} settled {invoiceNumber}",
        Lines =
        [
            stillOverdue == 0
                ? "That one is done, and the chase has stopped. Well done for seeing it through."
                : $"That one is done. Well done. {Text.Counted.Of(stillOverdue, "other invoice")} of {Text.Names.Possessive(client.Name)} {(stillOverdue == 1 ? "is" : "are")} still overdue, and chasing goes on for {(stillOverdue == 1 ? "it" : "them")}.",
        ],
    };

    private static string Totals(IEnumerable<InvoiceView> invoices) =>
        string.Join(" and ", invoices.GroupBy(i => i.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {Money.Format(g.Sum(i => i.AmountDue))}"));
}
