using System.Globalization;
using System.Text.Json.Nodes;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Reports;

namespace ChaseBot.Core.Slack;

public static partial class BlockKit
{
    /// <summary>Slack's limit for a Home tab (a message allows 50).</summary>
    public const int MaxHomeBlocks = 100;

    /// <summary>Cases shown in full on the Home; the rest are counted.</summary>
    private const int HomeCases = 5;

    /// <summary>Reminder lines shown on the Home; the rest are counted.</summary>
    private const int HomeReminders = 10;

    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>
    /// The Home tab (views.publish's view) for one person, within <see cref="MaxHomeBlocks"/> whatever the ledger's size:
    /// each list shows its largest first and counts the rest. <paramref name="notice"/> is the answer to the button this
    /// person just pressed on it (the Home has no reply of its own to carry it).
    /// </summary>
    public static JsonObject Home(HomeOverview home, ChaseLadder ladder, string? notice = null)
    {
        var blocks = new List<JsonObject>
        {
            Header("Where every client stands"),
            Context($"As of {Day(home.AsOf)}{(home.Books is null ? "" : $" · {Escape(home.Books.TrimEnd('.'))}")} · `/chase status` for every invoice · `/chase case <client>` for a client's whole case"),
        };
        if (notice is not null)
            blocks.Add(Section(Escape(notice)));
        if (!home.MayView)
        {
            blocks.Add(Section(Escape(ChatRoles.Refusal(home.UserId, Role.Viewer))));
            return View(blocks);
        }

        blocks.Add(Section("*Overdue*"));
        if (home.FiguresTrueAt is { } trueAt)
            blocks.Add(Context($"These totals and figures are as of {trueAt:HH:mm:ss}: the ledger changed a moment ago and is being read again. " +
                               "This tab shows the latest as soon as it is read."));
        var overdue = home.Totals.Where(t => t.Due - t.Current > 0).ToList();
        if (overdue.Count == 0)
            blocks.Add(Section("Nothing is overdue."));
        else
            blocks.AddRange(Preformatted(new ChatMessage
            {
                Title = "Overdue",
                // Overdue by age, then what is owed but not yet due: every column says what it counts.
                Table = [["Currency", "Overdue", "1-30 days", "31-60", "61-90", "90+", "Not yet due"], ..overdue.Select(t => (IReadOnlyList<string>)
                    [t.Currency, Money(t.Due - t.Current), Money(t.Days1To30), Money(t.Days31To60), Money(t.Days61To90), Money(t.Over90),
                     Money(t.Current)])],
            }.TableText()));
        if (home.Figures is { } figures)
        {
            // The measures the table does not show: how long money takes to come in, and how much of it the chase brings in.
            var measures = figures.Currencies.Select(c => $"{c.Currency}: {FiguresText.Measures(c)}").ToList();
            measures.Add($"Promises: {figures.PromisesKept} kept, {figures.PromisesBroken} broken · `report` on the command line for each client's record");
            blocks.Add(Section(Escape(string.Join("\n", measures))));
        }

        // The lists after the proposals are small and capped; the proposals get whatever room is left.
        var after = new List<JsonObject> { Divider(), Section("*Furthest along their case*") };
        if (home.FurthestAlong.All == 0)
            after.Add(Section("No client has a collection case open."));
        foreach (var c in home.FurthestAlong.First.Take(HomeCases))
            after.Add(Section($"*{Escape(CaseText.Heading(c))}*\n" + string.Join("\n", CaseText.Lines(c, ladder, timeline: 0, asOf: home.AsOf)
                .Where(l => !l.StartsWith("Overdue: ", StringComparison.Ordinal)).Select(Escape))));
        if (More(home.FurthestAlong.All, Math.Min(HomeCases, home.FurthestAlong.First.Count)) is { } moreCases)
            after.Add(Context(moreCases + " — `/chase case <client>`"));

        after.Add(Divider());
        after.Add(Section("*Your reminders to send* (drafted in the last week, still unpaid)"));
        after.Add(home.YourReminders.All == 0
            ? Section("None: no client you own was due a reminder this week.")
            : Section(string.Join("\n", home.YourReminders.First.Take(HomeReminders).Select(r =>
                $"{Escape(r.Client)}: {Escape(r.Step)} on {Day(r.On)} · {HomeOverview.Amount(r.Currency, r.Due)} on {Escape(Listed(r.Invoices))}"))));
        if (More(home.YourReminders.All, Math.Min(HomeReminders, home.YourReminders.First.Count)) is { } moreReminders)
            after.Add(Context(moreReminders + " — `/chase status`"));

        if (home.Waiting is { } waiting)
        {
            blocks.Add(Divider());
            blocks.Add(Section($"*Waiting for your decision* ({waiting.All})"));
            if (waiting.All == 0)
                blocks.Add(Section("Nothing is waiting for a decision."));
            var room = MaxHomeBlocks - blocks.Count - after.Count - 1; // one for "and N more"
            var shown = 0;
            foreach (var p in waiting.First.TakeWhile(_ => room >= 2))
            {
                var id = p.Id.ToString(CultureInfo.InvariantCulture);
                var waited = home.AsOf.DayNumber - p.ProposedOn.DayNumber;
                blocks.Add(Section($"*{Escape(Capitalised(p.Step))}* for {Escape(p.Client)} · {HomeOverview.Amount(p.Currency, p.Due)} overdue on " +
                                   $"{Text.Counted.Of(p.Invoices, "invoice")} · " +
                                   (waited <= 0 ? "proposed today" : $"waiting {Text.Counted.Of(waited, "day")}")));
                blocks.Add(ActionsBlock(
                [
                    new(ProposalActions.Approve, "Approve", id, "primary",
                        p.Critical ? $"Approve \"{p.Step}\" for {p.Client}? This affects their service; make sure the contract allows it." : null),
                    new(ProposalActions.Snooze, "Snooze 7 days", id),
                    new(ProposalActions.Reject, "Reject", id, "danger"),
                ]));
                room -= 2;
                shown++;
            }
            if (More(waiting.All, shown) is { } moreWaiting)
                blocks.Add(Context(moreWaiting + " — each has its card in the client's channel, and the digest lists them"));
        }
        blocks.AddRange(after);
        return View(blocks);
    }

    private static JsonObject View(List<JsonObject> blocks) => new() { ["type"] = "home", ["blocks"] = new JsonArray([.. blocks.Take(MaxHomeBlocks)]) };

    private static string? More(int all, int shown) => all > shown ? $"and {(all - shown).ToString("#,0", CultureInfo.InvariantCulture)} more" : null;

    private static string Listed(IReadOnlyList<string> invoices) =>
        invoices.Count <= 5 ? string.Join(", ", invoices) : $"{string.Join(", ", invoices.Take(5))} and {invoices.Count - 5} more";

    /// <summary>A step title ("formal late notice") at the start of a line.</summary>
    private static string Capitalised(string title) => title.Length == 0 ? title : char.ToUpperInvariant(title[0]) + title[1..];

    private static string Money(decimal amount) => Exports.Parsing.Money.Format(amount);

    private static JsonObject Divider() => new() { ["type"] = "divider" };
}
