using ChaseBot.Core.Delivery;

namespace ChaseBot.Core.Chasing;

/// <summary>What a reminder's words are chosen from.</summary>
/// <param name="Numbers">"invoice INV-1" or "3 invoices".</param>
/// <param name="Totals">"USD 1,200.00 and EUR 300.00".</param>
/// <param name="RemindedBefore">Whether any earlier reminder was really sent: a caught-up first email must not claim one was.</param>
/// <param name="CopiesAccounts">The client's accounts team is copied in.</param>
public sealed record ReminderFacts(IReadOnlyList<InvoiceView> Invoices, string Numbers, string Totals, DateOnly PayBy, bool RemindedBefore, bool CopiesAccounts)
{
    public bool One => Invoices.Count == 1;
    public string Overdue => One ? "this invoice is now overdue" : "these invoices are now overdue";
}

/// <summary>A reminder's subject, the sentence before the invoice list, and the ask after it.</summary>
public sealed record ReminderWords(string Subject, string Opening, string Ask);

/// <summary>
/// Ready-to-send emails to the client. Firm but courteous, more direct with each step: most late payers are
/// disorganised or short of cash, and a steady, polite, documented chase gets most invoices paid. Each reminder rung
/// chooses its words (<see cref="LadderStep.Reminder"/>); one without its own gets the firmest.
/// </summary>
public static class EmailDrafts
{
    /// <summary>
    /// The date a reminder asks payment by: none for a rung that asks none (a heads-up, the first, friendly question),
    /// else a date already given that is still ahead (<paramref name="ahead"/>), or a week from today.
    /// </summary>
    public static DateOnly? PayBy(string step, DateOnly today, DateOnly? ahead) =>
        ChaseLadder.Rung(step) is { AsksPayBy: false } ? null : ahead is { } given && given > today ? given : today.AddDays(7);

    /// <param name="remindedBefore">Whether any earlier reminder was really sent: a caught-up first email must not claim one was.</param>
    /// <param name="ahead">A "pay by" date a delivered message gave that is still ahead: repeated, never moved.</param>
    public static EmailDraft Reminder(string step, ClientView client, IReadOnlyList<InvoiceView> invoices, DateOnly today, string sender,
        bool remindedBefore, DateOnly? ahead = null)
    {
        var list = string.Join("\n", invoices.Select(i => $"  • Invoice {i.Number}: {i.Amount}, due {i.DueDate:d MMMM yyyy}"));
        var rung = ChaseLadder.Rung(step);
        var cc = rung is { CopiesAccounts: true } ? client.CcAddresses : null;
        var facts = new ReminderFacts(invoices, invoices.Count == 1 ? $"invoice {invoices[0].Number}" : $"{invoices.Count} invoices",
            string.Join(" and ", invoices.GroupBy(i => i.Currency).Select(g => $"{g.Key} {Exports.Parsing.Money.Format(g.Sum(i => i.AmountDue))}")),
            PayBy(step, today, ahead) ?? today.AddDays(7), remindedBefore, cc is not null);
        var (subject, opening, ask) = (rung?.Reminder ?? FirmWords)(facts);
        var body = $"Hello {client.Name},\n\n{Acknowledgement.Of(invoices)}{opening}\n\n{list}\n\n{ask}\n\n{client.HowToPay(invoices)}Kind regards,\n{sender}";
        return new EmailDraft(client.BillingEmail ?? "(no billing email on file)", cc, subject, body);
    }

    internal static ReminderWords HeadsUpWords(ReminderFacts f) => new($"Upcoming: {f.Numbers} due soon",
        $"A friendly heads-up that {(f.One ? "this invoice is" : "these invoices are")} due shortly:",
        "If everything is in order on your side, no action is needed beyond the usual payment run. Thank you!");

    internal static ReminderWords FirstReminderWords(ReminderFacts f) => new($"Reminder: {f.Numbers} now due ({f.Totals})",
        $"Just a quick reminder that {(f.One ? "this invoice is" : "these invoices are")} now past due:",
        "Could you let me know when we can expect payment? If it is already on its way, thank you, and please ignore this note.");

    internal static ReminderWords SecondReminderWords(ReminderFacts f) => new($"{(f.RemindedBefore ? "Second reminder" : "Overdue")}: {f.Numbers} ({f.Totals})",
        f.RemindedBefore
            ? $"I'm following up on {(f.One ? "this invoice, which is" : "these invoices, which are")} now overdue:"
            : $"I'm writing because {f.Overdue}:",
        $"Please arrange payment by {f.PayBy:d MMMM}, or reply to let me know if anything is holding it up so we can sort it out.");

    /// <summary>The last reminder before formal notices, and any reminder rung without words of its own.</summary>
    internal static ReminderWords FirmWords(ReminderFacts f) => new($"Overdue: {f.Numbers} ({f.Totals}), payment needed by {f.PayBy:d MMMM}",
        f.RemindedBefore
            ? $"Despite our earlier reminders, {(f.One ? "this invoice remains" : "these invoices remain")} unpaid:"
            : f.Invoices.All(i => i.DaysLate > 14)
                ? $"I'm writing because {f.Overdue}, by more than two weeks:"
                : $"I'm writing because {f.Overdue}:",
        $"Please pay the balance by {f.PayBy:d MMMM yyyy}, or contact me today to agree a date." +
        (f.CopiesAccounts ? " I've copied your accounts team so this reaches the right people." : ""));
}
