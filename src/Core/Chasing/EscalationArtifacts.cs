using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.Chasing;

/// <summary>The text or plan each escalation step needs, ready to send or act on once approved.</summary>
public static class EscalationArtifacts
{
    public static string For(string step, ClientView client, InvoiceView invoice, IReadOnlyList<InvoiceView> clientInvoices,
        DateOnly today, ChaseLadder ladder, string sender) => step switch
    {
        ChaseLadder.LateNotice => LateNotice(client, invoice, ladder.ClientDeadline(step, today)!.Value, sender),
        ChaseLadder.ServiceReduction => ServiceReduction(client, invoice, today),
        ChaseLadder.FinalNotice => FinalNotice(client, invoice, clientInvoices, today, ladder, sender),
        ChaseLadder.Suspension => Suspension(client, invoice),
        ChaseLadder.HandOff => HandOff(client, invoice, ladder.ClientDeadline(step, today)!.Value),
        _ => $"{step} for invoice {invoice.Number} ({invoice.Amount}, {invoice.DaysLate} days late).",
    };

    private static string LateNotice(ClientView client, InvoiceView invoice, DateOnly payBy, string sender) => $"""
        Subject: Formal notice of late payment — invoice {invoice.Number}

        Dear {client.Name},

        This is formal notice that invoice {invoice.Number}, for {invoice.Amount}, was due on {invoice.DueDate:d MMMM yyyy} and is now {invoice.Late} overdue.
        Please pay the full balance within 7 days, by {payBy:d MMMM yyyy}.{(client.LateFeeTerms is { } fee ? $"\nUnder our agreement, late payment attracts: {fee}." : "")}
        If you believe this notice is in error, or you need to agree a payment plan, reply to this email before that date.

        Yours sincerely,
        {sender}
        """;

    private static string ServiceReduction(ClientView client, InvoiceView invoice, DateOnly today) => $"""
        Service-reduction plan for {client.Name} while {invoice.Amount} on invoice {invoice.Number} is {invoice.Late} overdue (from {today:d MMMM yyyy}):
          1. Stop non-essential work: no new features, content or improvements until the account is current.
          2. Slow non-urgent fixes to the limit of the agreed SLA; urgent security and outage fixes continue.
          3. Decline ad-hoc meetings and calls until the account is current; scheduled essentials continue.
          4. Tell the client in writing, once, what is paused and that full service resumes the day payment clears.
        """;

    /// <summary>
    /// The totals and the options. Only overdue invoices count toward what is overdue (those not yet due are listed apart),
    /// no history is claimed that the text cannot know, and suspension is named only where the contract allows it.
    /// </summary>
    private static string FinalNotice(ClientView client, InvoiceView invoice, IReadOnlyList<InvoiceView> all, DateOnly today,
        ChaseLadder ladder, string sender)
    {
        var payBy = ladder.ClientDeadline(ChaseLadder.FinalNotice, today)!.Value;
        var overdue = all.Where(i => i.DaysLate > 0).ToList();
        if (overdue.Count == 0)
            overdue = [invoice];
        var comingDue = all.Where(i => i.DaysLate <= 0).ToList();
        var breakdown = string.Join("\n", overdue.Select(i => $"  • {i.Number}: {i.Amount} (due {i.DueDate:d MMM yyyy}, {i.Late} late)"));
        var totals = string.Join("; ", overdue.GroupBy(i => i.Currency).Select(g => $"{g.Key} {Money.Format(g.Sum(i => i.AmountDue))}"));
        var alsoDue = comingDue.Count == 0 ? "" : "\nAlso coming due (not overdue yet):\n" +
            string.Join("\n", comingDue.Select(i => $"  • {i.Number}: {i.Amount} (due {i.DueDate:d MMM yyyy})")) + "\n";
        var consequence = client.MaySuspend
            ? $"If we have not received payment or agreed a plan by {payBy:d MMMM yyyy}, access to the services we provide will be suspended on that date, as our agreement allows, and the matter may be referred for collection."
            : $"If we have not received payment or agreed a plan by {payBy:d MMMM yyyy}, the matter may be referred for collection.";
        return $"""
            Subject: Final notice — {totals} overdue

            Dear {client.Name},

            The following {(overdue.Count == 1 ? "invoice remains" : "invoices remain")} unpaid past {(overdue.Count == 1 ? "its" : "their")} due {(overdue.Count == 1 ? "date" : "dates")}:
            {breakdown}
            Total overdue: {totals}
            {alsoDue}
            To settle this, you can:
              • pay the total overdue in full by {payBy:d MMMM yyyy}; or
              • agree a payment plan with us before that date (for example, equal instalments over 4–8 weeks); or
              • agree an adjusted scope of service that reflects what you can pay.

            {consequence}

            Yours sincerely,
            {sender}
            """;
    }

    private static string Suspension(ClientView client, InvoiceView invoice) => $"""
        Suspension checklist for {client.Name} ({invoice.Number}, {invoice.Amount}, {invoice.Late} late):
          1. Back up first: a full, verified backup of their site, data and configuration before touching anything.
          2. Put up a neutral outage page ("This service is temporarily unavailable"), never one that shames the client.
          3. Secure deployment keys, credentials and DNS access you hold; rotate any the client can use to redeploy your work.
          4. State the reactivation terms in writing: payment of {invoice.Amount} (plus any agreed fees) restores service within one working day.
          5. Record when and how access was suspended, and keep the client's data intact.
        """;

    private static string HandOff(ClientView client, InvoiceView invoice, DateOnly removeOn) => $"""
        Options for {client.Name} ({invoice.Number}, {invoice.Amount}, {invoice.Late} late):
          • Reactivation terms: payment in full (or an agreed plan) restores service.
          • Ask why: a short, direct call or email asking what has gone wrong; sometimes there is a fixable reason.
          • Offer their files: a clean hand-over of their data and assets, so the relationship can end cleanly.
          • Removal deadline: if nothing is agreed by {removeOn:d MMMM yyyy}, hosted work will be removed.
          • Refer to legal help or a collections agency (keep the notices, dates and this history as evidence).
          • Write it off: sometimes the cost of recovery is more than the debt; record the decision and move on.
        """;
}
