using ChaseBot.Core.Delivery;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// Ready-to-send emails to the client. Firm but courteous, more direct with each step: most late payers are
/// disorganised or short of cash, and a steady, polite, documented chase gets most invoices paid.
/// </summary>
public static class EmailDrafts
{
    /// <summary>
    /// The date a reminder asks payment by: none for the first (a friendly question), else a date already given that is
    /// still ahead (<paramref name="ahead"/>), or a week from today.
    /// </summary>
    public static DateOnly? PayBy(string step, DateOnly today, DateOnly? ahead) =>
        step is ChaseLadder.HeadsUp or ChaseLadder.Reminder1 ? null : ahead is { } given && given > today ? given : today.AddDays(7);

    /// <param name="remindedBefore">Whether any earlier reminder was really sent: a caught-up first email must not claim one was.</param>
    /// <param name="ahead">A "pay by" date a delivered message gave that is still ahead: repeated, never moved.</param>
    public static EmailDraft Reminder(string step, ClientView client, IReadOnlyList<InvoiceView> invoices, DateOnly today, string sender,
        bool remindedBefore, DateOnly? ahead = null)
    {
        var list = string.Join("\n", invoices.Select(i => $"  • Invoice {i.Number}: {i.Amount}, due {i.DueDate:d MMMM yyyy}"));
        var one = invoices.Count == 1;
        var numbers = one ? $"invoice {invoices[0].Number}" : $"{invoices.Count} invoices";
        var totals = string.Join(" and ", invoices.GroupBy(i => i.Currency)
            .Select(g => $"{g.Key} {Exports.Parsing.Money.Format(g.Sum(i => i.AmountDue))}"));
        var payBy = PayBy(step, today, ahead) ?? today.AddDays(7);
        var cc = step == ChaseLadder.Reminder3 ? client.CcAddresses : null;
        var overdue = one ? "this invoice is now overdue" : "these invoices are now overdue";
        var (subject, opening, ask) = step switch
        {
            ChaseLadder.HeadsUp => ($"Upcoming: {numbers} due soon",
                $"A friendly heads-up that {(one ? "this invoice is" : "these invoices are")} due shortly:",
                "If everything is in order on your side, no action is needed beyond the usual payment run. Thank you!"),
            ChaseLadder.Reminder1 => ($"Reminder: {numbers} now due ({totals})",
                $"Just a quick reminder that {(one ? "this invoice is" : "these invoices are")} now past due:",
                "Could you let me know when we can expect payment? If it is already on its way, thank you, and please ignore this note."),
            ChaseLadder.Reminder2 => ($"{(remindedBefore ? "Second reminder" : "Overdue")}: {numbers} ({totals})",
                remindedBefore
                    ? $"I'm following up on {(one ? "this invoice, which is" : "these invoices, which are")} now overdue:"
                    : $"I'm writing because {overdue}:",
                $"Please arrange payment by {payBy:d MMMM}, or reply to let me know if anything is holding it up so we can sort it out."),
            _ => ($"Overdue: {numbers} ({totals}), payment needed by {payBy:d MMMM}",
                remindedBefore
                    ? $"Despite our earlier reminders, {(one ? "this invoice remains" : "these invoices remain")} unpaid:"
                    : invoices.All(i => i.DaysLate > 14)
                        ? $"I'm writing because {overdue}, by more than two weeks:"
                        : $"I'm writing because {overdue}:",
                $"Please pay the balance by {payBy:d MMMM yyyy}, or contact me today to agree a date." +
                (cc is null ? "" : " I've copied your accounts team so this reaches the right people.")),
        };
        var body = $"Hello {client.Name},\n\n{Acknowledgement.Of(invoices)}{opening}\n\n{list}\n\n{ask}\n\n{client.HowToPay(invoices)}Kind regards,\n{sender}";
        return new EmailDraft(client.BillingEmail ?? "(no billing email on file)", cc, subject, body);
    }
}
