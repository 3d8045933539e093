using System.Globalization;
using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.Chasing;

/// <summary>A rung of the case that an approver approved, and the day they did.</summary>
public sealed record TakenStep(string Step, DateOnly On);

/// <summary>
/// What has really been done in a case, from the ledger: the rungs approved, the days reminders were drafted, and what
/// reached the client (<see cref="Delivered"/>: emailed and accepted, or marked as sent). A text may claim contact only
/// from <see cref="Delivered"/> ("following our formal notice of 2 December" needs that notice to have gone out).
/// </summary>
public sealed record CaseHistory(IReadOnlyList<TakenStep> Approved, IReadOnlyList<DateOnly> RemindersSent, IReadOnlyList<TakenStep>? Delivered = null,
    DateOnly? PayByGiven = null)
{
    /// <summary>A "pay by" date already given to the client that is still ahead: a later text repeats it rather than moving it.</summary>
    public DateOnly? PayByAhead(DateOnly today) => PayByGiven is { } given && given > today ? given : null;

    public static CaseHistory None { get; } = new([], []);

    public DateOnly? ApprovedOn(string step) => Approved.LastOrDefault(a => a.Step == step)?.On;

    /// <summary>The messages that reached the client, oldest first.</summary>
    public IReadOnlyList<TakenStep> Contact => Delivered ?? [];

    public DateOnly? DeliveredOn(string step) => Contact.LastOrDefault(a => a.Step == step)?.On;

    /// <summary>The days reminders reached the client.</summary>
    public IReadOnlyList<DateOnly> RemindersDelivered =>
        Contact.Where(c => ChaseLadder.IsReminder(c.Step)).Select(c => c.On).Distinct().Order().ToList();

    /// <summary>"This follows our reminders and our formal notice of 2 December 2026." or nothing when nothing reached them.</summary>
    public string? FollowsSentence()
    {
        var parts = new List<string>();
        var reminders = RemindersDelivered;
        if (reminders.Count > 0)
            parts.Add(reminders.Count == 1 ? $"our reminder of {Long(reminders[0])}" : "our earlier reminders");
        if (DeliveredOn(ChaseLadder.LateNotice) is { } notice)
            parts.Add($"our formal notice of {Long(notice)}");
        if (DeliveredOn(ChaseLadder.FinalNotice) is { } final)
            parts.Add($"our final notice of {Long(final)}");
        return parts.Count == 0 ? null : $"This follows {(parts.Count == 1 ? parts[0] : string.Join(", ", parts[..^1]) + " and " + parts[^1])}.";
    }

    public static string Long(DateOnly day) => day.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>How long an invoice must have been named to the client before a final notice may threaten a consequence over it.</summary>
    public const int NamedDaysBeforeThreat = 7;

    /// <summary>
    /// Whether an invoice due on <paramref name="dueDate"/> has been before the client for <see cref="NamedDaysBeforeThreat"/>
    /// days: a message reached them after it fell due (every case text lists every overdue invoice), that long ago.
    /// </summary>
    public static bool NamedLongEnough(IEnumerable<DateOnly> contactDays, DateOnly dueDate, DateOnly today) =>
        contactDays.Any(day => day > dueDate && day.AddDays(NamedDaysBeforeThreat) <= today);
}

/// <summary>
/// A case as its texts describe it on the day they are written: the overdue invoices it is about (each listed, with the
/// total), the ones not yet due (listed apart, never in the overdue total), and its recorded history.
/// </summary>
public sealed record CaseView(ClientView Client, string Currency, IReadOnlyList<InvoiceView> Overdue, IReadOnlyList<InvoiceView> ComingDue,
    CaseHistory History)
{
    public decimal TotalOverdue => Overdue.Sum(i => i.AmountDue);
    public string Total => $"{Currency} {Money.Format(TotalOverdue)}";
    public int OldestDaysLate => Overdue.Count == 0 ? 0 : Overdue.Max(i => i.DaysLate);
    public string Numbers => Overdue.Count == 1 ? $"invoice {Overdue[0].Number}" : $"{Overdue.Count} invoices";

    /// <summary>The suspension was approved and the client has not yet been restored.</summary>
    public bool Suspended => History.ApprovedOn(ChaseLadder.Suspension) is not null;

    /// <summary>
    /// The late-payment charges to date a final notice or hand-off letter offers (LatePayment:Enabled), with whether they
    /// are waived if paid by the deadline; null when none are offered.
    /// </summary>
    public LatePayment.ChargesToDate? Charges { get; init; }
    /// <summary>How the charges are waived, as the text says it ("if the total overdue is paid by 18 December 2026"); null: not offered to be waived.</summary>
    public string? ChargesWaiver { get; init; }
    /// <summary>The day the charges were worked out to.</summary>
    public DateOnly ChargesAsOf { get; init; }

    public static CaseView From(ClientView client, ChasedCase chased, IEnumerable<long> covered)
    {
        var ids = covered.ToHashSet();
        var overdue = chased.Invoices.Where(i => ids.Contains(i.View.Id)).Select(i => i.View).OrderBy(i => i.DueDate).ThenBy(i => i.Number).ToList();
        var comingDue = chased.Invoices.Where(i => i.View.DaysLate <= 0).Select(i => i.View).OrderBy(i => i.DueDate).ToList();
        return new CaseView(client, chased.Currency, overdue, comingDue, chased.History);
    }

    /// <summary>One line per overdue invoice: the days late said once, beside its invoice.</summary>
    public string InvoiceLines() => string.Join("\n",
        Overdue.Select(i => $"  • {i.Number}: {i.Amount}, due {CaseHistory.Long(i.DueDate)} ({i.Late} late)"));

    public string ComingDueLines() => ComingDue.Count == 0 ? "" : "\nAlso coming due (not overdue yet, not part of the total):\n" +
        string.Join("\n", ComingDue.Select(i => $"  • {i.Number}: {i.Amount}, due {CaseHistory.Long(i.DueDate)}")) + "\n";

    /// <summary>
    /// The final notice's split: the overdue invoices the client has known about long enough for a consequence to be
    /// threatened over them, and the ones named for the first time (listed as "also now due", outside the threat).
    /// </summary>
    public (CaseView Threatened, IReadOnlyList<InvoiceView> AlsoNowDue) SplitForThreat(DateOnly today)
    {
        var days = History.Contact.Select(k => k.On).ToList();
        var known = Overdue.Where(i => CaseHistory.NamedLongEnough(days, i.DueDate, today)).ToList();
        // Never a notice about nothing: the policy proposes a final notice only once some invoice is known long enough,
        // but an approval judged later (that one paid since) may find none; then the notice is about all of them.
        return known.Count == 0 ? (this, []) : (this with { Overdue = known }, Overdue.Where(i => !known.Contains(i)).ToList());
    }

    /// <summary>Invoices named to the client for the first time in a final notice: listed, outside its total and its threat.</summary>
    public static string AlsoNowDueLines(IReadOnlyList<InvoiceView> alsoNowDue) => alsoNowDue.Count == 0 ? "" :
        "\nAlso now due (not part of this notice; please include " + (alsoNowDue.Count == 1 ? "it" : "them") + " in your payment if you can):\n" +
        string.Join("\n", alsoNowDue.Select(i => $"  • {i.Number}: {i.Amount}, due {CaseHistory.Long(i.DueDate)}")) + "\n";
}
