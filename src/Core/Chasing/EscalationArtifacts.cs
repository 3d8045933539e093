using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// The text or plan each rung of a case needs, ready to send or act on once approved. Every text lists each overdue
/// invoice and the total overdue (invoices not yet due apart, never in the total); a sentence about history comes from
/// the case's recorded steps; a threat appears only where the contract clause that allows it is recorded.
/// </summary>
public static class EscalationArtifacts
{
    /// <summary>The text a rung puts before its approver: its own (<see cref="LadderStep.Text"/>), or a plain one naming the overdue total.</summary>
    /// <param name="graceDays">Chase:GraceDays: a consequence is said to come no sooner than the deadline plus these days, as the case keeps it.</param>
    public static string For(string step, CaseView c, DateOnly today, ChaseLadder ladder, string sender, int graceDays = ChaseOptions.DefaultGraceDays) =>
        ChaseLadder.Rung(step)?.Text is { } text
            ? text(c, new RungTextFacts(today, ladder, sender, graceDays))
            : $"{step} for {c.Client.Name}: {c.Total} overdue.\n{c.InvoiceLines()}";

    /// <summary>
    /// The date a step's text asks payment by: a date the client was already given that is still ahead (repeated, never
    /// moved) where the rung repeats one, else the step's own (<see cref="ChaseLadder.ClientDeadline"/>); none for a rung
    /// that gives the client no date.
    /// </summary>
    public static DateOnly? PayBy(string step, CaseView c, DateOnly today, ChaseLadder ladder) => ChaseLadder.Rung(step) switch
    {
        { AsksPayBy: false } => null,
        { RepeatsDateGiven: true } when c.History.PayByAhead(today) is { } ahead => ahead,
        _ => ladder.ClientDeadline(step, today),
    };

    // Each rung's text, as its LadderStep.Text.
    internal static string LateNoticeText(CaseView c, RungTextFacts x) => LateNotice(c, PayBy(ChaseLadder.LateNotice, c, x.Today, x.Ladder)!.Value, x.Sender);
    internal static string ServiceReductionText(CaseView c, RungTextFacts x) => ServiceReduction(c, x.Today, x.Sender);
    internal static string FinalNoticeText(CaseView c, RungTextFacts x) =>
        x.Ladder.ClientDeadline(ChaseLadder.FinalNotice, x.Today)!.Value is var payBy ? FinalNotice(c, x.Today, payBy, ConsequenceFrom(payBy, x.GraceDays), x.Sender) : "";
    internal static string SuspensionText(CaseView c, RungTextFacts x) => Suspension(c, x.Today, x.Sender);
    internal static string HandOffText(CaseView c, RungTextFacts x) => HandOff(c, x.Ladder.ClientDeadline(ChaseLadder.HandOff, x.Today)!.Value, x.Sender);
    internal static string RestoreAccessText(CaseView c, RungTextFacts x) => RestoreAccess(c, x.Sender);

    /// <summary>The late-payment charges paragraph, after a blank line; "" when the case offers none.</summary>
    private static string Charges(CaseView c, DateOnly asOf) =>
        LatePayment.LateChargesText.Paragraph(c.Charges, asOf, c.ChargesWaiver) is { Length: > 0 } paragraph ? "\n\n" + paragraph : "";

    /// <summary>The first day a consequence of missing <paramref name="deadline"/> may come: never the deadline day itself.</summary>
    public static DateOnly ConsequenceFrom(DateOnly deadline, int graceDays) => deadline.AddDays(Math.Max(1, graceDays));

    private static string Remain(CaseView c) => c.Overdue.Count == 1
        ? "The following invoice remains unpaid past its due date:"
        : "The following invoices remain unpaid past their due dates:";

    private static string Follows(CaseView c) => c.History.FollowsSentence() is { } s ? s + "\n" : "";

    private static string LateNotice(CaseView c, DateOnly payBy, string sender) => $"""
        Subject: Formal notice of late payment — {c.Total} overdue

        Dear {c.Client.Name},

        {Acknowledgement.Of(c.Overdue)}This is formal notice of late payment. {Remain(c)}
        {c.InvoiceLines()}
        Total overdue: {c.Total}
        {Follows(c)}
        Please pay the total overdue by {CaseHistory.Long(payBy)}.{(c.Client.LateFeeTerms is { } fee ? $"\nUnder our agreement, late payment attracts: {fee}." : "")}
        If you believe this notice is in error, or you need to agree a payment plan, reply to this email before that date.
        {c.ComingDueLines()}
        {c.Client.HowToPay(c.Overdue)}Yours sincerely,
        {sender}
        """;

    /// <summary>The plan for the person, then the client's email: what changes, from when, and how to restore it.</summary>
    private static string ServiceReduction(CaseView c, DateOnly today, string sender) => $"""
        Service-reduction plan for {c.Client.Name} while {c.Total} is overdue (from {CaseHistory.Long(today)}):
        {c.InvoiceLines()}
          1. Stop non-essential work: no new features, content or improvements until the account is current.
          2. Slow non-urgent fixes to the limit of the agreed SLA; urgent security and outage fixes continue.
          3. Decline ad-hoc meetings and calls until the account is current; scheduled essentials continue.
          4. The email below tells the client, once, what is paused and how full service comes back.

        Subject: Changes to our service while {c.Total} is overdue

        Dear {c.Client.Name},

        {Acknowledgement.Of(c.Overdue)}{Remain(c)}
        {c.InvoiceLines()}
        Total overdue: {c.Total}
        {Follows(c)}
        As our agreement allows, from {CaseHistory.Long(today)} and until the account is paid or a payment plan is agreed:
          • we are pausing non-essential work: no new features, content or improvements;
          • non-urgent fixes follow the agreed service levels at their limit;
          • urgent security and outage fixes continue as normal.
        Full service resumes as soon as your payment clears, or the day we agree a payment plan.

        {c.Client.HowToPay(c.Overdue)}Yours sincerely,
        {sender}
        """;

    /// <summary>The totals and the options; suspension is named only where the contract allows it.</summary>
    private static string FinalNotice(CaseView all, DateOnly today, DateOnly payBy, DateOnly consequenceFrom, string sender)
    {
        // An invoice named to the client for the first time is listed, but nothing is threatened over it yet.
        var (c, alsoNowDue) = all.SplitForThreat(today);
        // What we will do, and from when: never said as done or certain before a person approves it.
        // Only what the contract allows, and only with a date the case keeps: the suspension rung (or, without one, the
        // hand-off that refers the debt) is proposed on that day. Without either clause, no consequence is named.
        var by = $"If we have not received payment or agreed a plan by {CaseHistory.Long(payBy)}";
        var consequence = (c.Client.MaySuspend, c.Client.ReferTo) switch
        {
            (true, var agency) => $"{by}, we may suspend access to the services we provide from {CaseHistory.Long(consequenceFrom)}, as our agreement allows." +
                                  (agency is null ? "" : $" If it then remains unpaid, we may refer the debt to {agency}."),
            (false, { } agency) => $"{by}, we may refer the debt to {agency} from {CaseHistory.Long(consequenceFrom)}, as our agreement allows.",
            _ => $"{by}, we will decide on the next steps our agreement allows.",
        };
        return $"""
            Subject: Final notice — {c.Total} overdue

            Dear {c.Client.Name},

            {Acknowledgement.Of(c.Overdue)}{Remain(c)}
            {c.InvoiceLines()}
            Total overdue: {c.Total}
            {Follows(c)}{CaseView.AlsoNowDueLines(alsoNowDue)}{c.ComingDueLines()}
            To settle this, you can:
              • pay the total overdue in full by {CaseHistory.Long(payBy)}; or
              • agree a payment plan with us before that date (for example, equal instalments over 4–8 weeks); or
              • agree an adjusted scope of service that reflects what you can pay.

            {consequence}{Charges(all, today)}

            {c.Client.HowToPay(all.Overdue)}Yours sincerely,
            {sender}
            """;
    }

    /// <summary>The checklist for the person, then the client's email: what is suspended, that their data is safe, how to get access back.</summary>
    private static string Suspension(CaseView c, DateOnly today, string sender) => $"""
        Suspension checklist for {c.Client.Name} ({c.Total} overdue{(c.History.ApprovedOn(ChaseLadder.FinalNotice) is { } final ? $"; final notice approved {final:d MMM yyyy}" : "")}):
        {c.InvoiceLines()}
          1. Back up first: a full, verified backup of their site, data and configuration before touching anything.
          2. Put up a neutral outage page ("This service is temporarily unavailable"), never one that shames the client.
          3. Secure deployment keys, credentials and DNS access you hold; rotate any the client can use to redeploy your work.
          4. The email below states the reactivation terms: payment of {c.Total} (or an agreed plan) restores access within one working day.
          5. Record when and how access was suspended, and keep the client's data intact.

        Subject: Access suspended while {c.Total} is overdue

        Dear {c.Client.Name},

        {Acknowledgement.Of(c.Overdue)}{Remain(c)}
        {c.InvoiceLines()}
        Total overdue: {c.Total}
        {Follows(c)}
        As our agreement allows, access to the services we provide is suspended from {CaseHistory.Long(today)}.
        Your data is safe: we have kept a full backup, nothing has been deleted, and it stays intact while access is suspended.
        To get access back, pay the total overdue or agree a payment plan with us: access is restored within one working day of your payment clearing.

        {c.Client.HowToPay(c.Overdue)}Yours sincerely,
        {sender}
        """;

    /// <summary>
    /// The options for the person; where the contract allows a referral and names who to, the email telling the client:
    /// the amount, who will contact them, and that settling with us first stops it. It names no date, so none can be missed.
    /// </summary>
    private static string HandOff(CaseView c, DateOnly removeOn, string sender)
    {
        var lines = new List<string>();
        if (c.Suspended)
            lines.Add("  • Reactivation terms: payment in full (or an agreed plan) restores service.");
        lines.Add("  • Ask why: a short, direct call or email asking what has gone wrong; sometimes there is a fixable reason.");
        lines.Add("  • Offer their files: a clean hand-over of their data and assets, so the relationship can end cleanly.");
        lines.Add(c.Client.MaySuspend
            ? $"  • Removal deadline: if nothing is agreed by {CaseHistory.Long(removeOn)}, hosted work will be removed (the contract keeps the work yours until paid)."
            : "  • (Removing hosted work is not offered: the contract does not record that the work stays yours until paid.)");
        lines.Add(c.Client.ReferTo is { } agency
            ? $"  • Refer the debt to {agency}, as the contract allows: approving sends the email below, then hand them the notices, dates and this history."
            : "  • Refer to legal help or a collections agency (keep the notices, dates and this history as evidence). " +
              $"To have ChaseBot tell the client, record the clause and who: /chase client \"{c.Client.Name}\" allow referral, then refer-to <agency>.");
        lines.Add("  • Write it off: sometimes the cost of recovery is more than the debt; record the decision and move on.");
        var plan = $"Options for {c.Client.Name} ({c.Total} overdue):\n{c.InvoiceLines()}\n{string.Join("\n", lines)}";
        if (c.Client.ReferTo is not { } referTo)
            return plan;
        var finalNotice = c.History.DeliveredOn(ChaseLadder.FinalNotice) is { } sent ? $", as our final notice of {CaseHistory.Long(sent)} said it might be" : "";
        return $"""
            {plan}

            Subject: Referral of {c.Total} overdue to {referTo}

            Dear {c.Client.Name},

            {Acknowledgement.Of(c.Overdue)}{Remain(c)}
            {c.InvoiceLines()}
            Total overdue: {c.Total}
            {Follows(c)}
            As our agreement allows, we are referring this debt of {c.Total} to {referTo}{finalNotice}. They will contact you about it.
            If you pay the total overdue, or agree a payment plan with us, before they do, reply to this email and we will withdraw the referral.{Charges(c, c.ChargesAsOf)}

            {c.Client.HowToPay(c.Overdue)}Yours sincerely,
            {sender}
            """;
    }

    /// <summary>After a suspension, once everything is paid: a checklist and a message; the list is of what was settled.</summary>
    private static string RestoreAccess(CaseView c, string sender)
    {
        var paid = $"{c.Currency} {Money.Format(c.Overdue.Sum(i => i.Total))}";
        return $"""
        Restore access for {c.Client.Name}: everything overdue is paid ({paid}{(c.History.ApprovedOn(ChaseLadder.Suspension) is { } on ? $"; suspended {on:d MMM yyyy}" : "")}).
        {string.Join("\n", c.Overdue.Select(i => $"  • {i.Number}: {i.Currency} {Money.Format(i.Total)}, paid in full"))}
          1. Take down the outage page and restore the client's access.
          2. Restore or reissue the deployment keys and credentials that were rotated.
          3. Check the service works end to end, as the client would use it.
          4. Once it does, press "Access is back: tell the client": only then does the email below go.

        Subject: Access restored — thank you for your payment

        Dear {c.Client.Name},

        Thank you: we have received payment in full ({paid}). Access to the services we provide has been restored, and everything is as it was before the suspension.
        If anything does not work as it should, reply to this email and we will look at it straight away.

        Yours sincerely,
        {sender}
        """;
    }

    /// <summary>A thank-you and receipt for the client, for invoices that were chased and are now paid in full.</summary>
    /// <param name="remaining">What the client still owes past due: said, with how to pay, so the thank-you is not read as "all settled".</param>
    /// <param name="claimed">The late-payment charges an approver claimed on these invoices, said apart from the receipt; null: none.</param>
    public static string Receipt(ClientView client, IReadOnlyList<(InvoiceView Invoice, DateOnly? PaidOn)> paid, string sender,
        IReadOnlyList<InvoiceView>? remaining = null, string? claimed = null)
    {
        var owed = remaining ?? [];
        var stillDue = owed.Count == 0 ? "" :
            $"\n{(owed.Count == 1 ? "This invoice remains" : "These invoices remain")} overdue:\n" +
            string.Join("\n", owed.Select(i => $"  • {i.Number}: {i.Amount}, due {CaseHistory.Long(i.DueDate)}")) + "\n\n" + client.HowToPay(owed).TrimEnd('\n') + "\n";
        var one = paid.Count == 1;
        var totals = string.Join(" and ", paid.GroupBy(p => p.Invoice.Currency)
            .Select(g => $"{g.Key} {Money.Format(g.Sum(p => p.Invoice.Total))}"));
        var lines = string.Join("\n", paid.Select(p => $"  • {p.Invoice.Number}: {p.Invoice.Currency} {Money.Format(p.Invoice.Total)}" +
                                                          (p.PaidOn is { } on ? $", paid {CaseHistory.Long(on)}" : ", paid")));
        return $"""
            Subject: Thank you — {(one ? $"invoice {paid[0].Invoice.Number}" : $"{paid.Count} invoices")} paid in full

            Dear {client.Name},

            Thank you for your payment. {(one ? "This invoice is" : "These invoices are")} now paid in full ({totals}):
            {lines}
            Please keep this email as your receipt. We appreciate your business.
            {(claimed is null ? "" : $"\n{claimed}\n")}{stillDue}
            Kind regards,
            {sender}
            """;
    }
}
