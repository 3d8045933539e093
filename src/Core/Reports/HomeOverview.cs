using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Reports;

/// <summary>A proposal waiting for a decision, as the Home tab lists it: what, for whom, how much, since when.</summary>
public sealed record WaitingProposal(long Id, string Step, string Client, string Currency, decimal Due, int Invoices,
    DateOnly ProposedOn, bool Critical);

/// <summary>A client's reminders ChaseBot drafted for its owner to send, on invoices still unpaid.</summary>
public sealed record OwnReminder(string Client, string Step, DateOnly On, string Currency, decimal Due, IReadOnlyList<string> Invoices);

/// <summary>A list the Home tab shows the first of, largest first, and how many it holds in all.</summary>
public sealed record Shown<T>(IReadOnlyList<T> First, int All);

/// <summary>
/// What one person sees on ChaseBot's Home: overdue totals with aging per currency, the proposals waiting for a
/// decision (only for approvers, who can decide them), the clients furthest along their collection case, and the
/// reminders ChaseBot drafted for the clients this person owns. Read from the ledger at the moment it is opened.
/// </summary>
/// <param name="MayView">False for someone outside Chat:Viewers: they see why, and no figures.</param>
/// <param name="Waiting">Null for someone who may not decide proposals.</param>
public sealed record HomeOverview(string UserId, DateOnly AsOf, bool MayView, IReadOnlyList<CurrencyTotals> Totals,
    Shown<WaitingProposal>? Waiting, Shown<CaseLine> FurthestAlong, Shown<OwnReminder> YourReminders)
{
    /// <summary>"Books synced 3 minutes ago (Stripe)." when a source is connected (<see cref="Sources.ConnectedSources.FreshnessAsync"/>).</summary>
    public string? Books { get; init; }

    /// <summary>DSO, CEI and promises (docs/figures.md), from <see cref="FiguresCache"/>; null where the host has none.</summary>
    public CollectionFigures? Figures { get; init; }

    /// <summary>
    /// When <see cref="Totals"/> and <see cref="Figures"/> were true, if they are from before the ledger's latest change
    /// (in the settings' time zone); null when they are current.
    /// </summary>
    public DateTimeOffset? FiguresTrueAt { get; init; }

    /// <summary>While the figures are from before the latest change: done when the current ones are read, to show them.</summary>
    public Task? FiguresUpToDate { get; init; }

    /// <summary>How many of each list are read in detail (the view shows what fits of them).</summary>
    public const int ListLength = 100;

    /// <summary>Reminders from this many days back still count as the owner's to send.</summary>
    public const int ReminderDays = 7;

    /// <param name="figures">Where the collection figures and the totals come from, computed once per ledger version (those from
    /// before the latest change when the new ones are slow: <see cref="FiguresTrueAt"/>); none, no figures and the totals read
    /// afresh.</param>
    public static async Task<HomeOverview> ForAsync(ChaseDbContext db, ChaseSettings settings, ChatRoles roles, string userId, DateOnly asOf,
        CancellationToken cancellationToken = default, FiguresCache? figures = null)
    {
        if (!roles.Has(userId, Role.Viewer))
            return new(userId, asOf, false, [], null, new([], 0), new([], 0));
        var whole = figures is null ? null : await figures.ForHomeAsync(asOf, cancellationToken);
        var totals = whole?.Answer.Totals ?? (await OutstandingTotals.ReadAsync(db, asOf, cancellationToken)).Totals();
        var waiting = roles.Has(userId, Role.Approver) ? await WaitingAsync(db, settings, cancellationToken) : null;
        return new(userId, asOf, true, totals, waiting, await FurthestAlongAsync(db, settings, asOf, cancellationToken),
            await RemindersAsync(db, settings, userId, asOf, cancellationToken))
        {
            Figures = whole?.Answer.Figures,
            FiguresTrueAt = whole?.TrueAt is { } at ? TimeZoneInfo.ConvertTime(at, settings.Calendar.Zone) : null,
            FiguresUpToDate = whole?.Fresh,
        };
    }

    /// <summary>Every proposal waiting for a decision, the most money first.</summary>
    private static async Task<Shown<WaitingProposal>> WaitingAsync(ChaseDbContext db, ChaseSettings settings, CancellationToken cancellationToken)
    {
        var pending = await db.Proposals.AsNoTracking().Where(p => p.Status == ProposalStatus.Pending)
            .Select(p => new { p.Id, p.Step, ProposedOn = p.PutOn ?? p.ProposedOn, Client = p.Invoice.Client.Name, p.Invoice.Currency, LeadDue = p.Invoice.AmountDue })
            .ToListAsync(cancellationToken);
        // Amounts are summed here: SQLite cannot add decimals in SQL.
        var covered = (await db.ProposalInvoices.AsNoTracking().Where(c =>
                    db.Proposals.Any(p => p.Id == c.ProposalId && p.Status == ProposalStatus.Pending))
                .Select(c => new { c.ProposalId, c.Invoice.AmountDue }).ToListAsync(cancellationToken))
            .GroupBy(c => c.ProposalId).ToDictionary(g => g.Key, g => (Due: g.Sum(c => c.AmountDue), Count: g.Count()));
        var all = pending.Select(p =>
            {
                var (due, count) = covered.TryGetValue(p.Id, out var c) ? c : (p.LeadDue, 1);
                return new WaitingProposal(p.Id, settings.Ladder.Find(p.Step)?.Title ?? p.Step, p.Client, p.Currency, due, count, p.ProposedOn,
                    ChaseLadder.Rung(p.Step) is { AlwaysNeedsApproval: true });
            })
            .OrderByDescending(p => p.Due).ThenBy(p => p.ProposedOn).ThenBy(p => p.Id).ToList();
        return new(all.Take(ListLength).ToList(), all.Count);
    }

    /// <summary>
    /// Open cases ranked by the highest rung approved or waiting for a decision, the most overdue first among equals;
    /// the first few are then read in full by <see cref="CaseReport"/>, so what the Home says is what `case` says.
    /// </summary>
    private static async Task<Shown<CaseLine>> FurthestAlongAsync(ChaseDbContext db, ChaseSettings settings, DateOnly asOf,
        CancellationToken cancellationToken)
    {
        var open = await db.Cases.AsNoTracking().Where(c => c.ClosedOn == null)
            .Select(c => new { c.Id, c.ClientId, c.Currency, c.OpenedOn }).ToListAsync(cancellationToken);
        var rungs = (await db.Proposals.AsNoTracking()
                .Where(p => p.CaseId != null && p.Case!.ClosedOn == null && (p.Status == ProposalStatus.Approved || p.Status == ProposalStatus.Pending))
                .Select(p => new { CaseId = p.CaseId!.Value, p.Step }).ToListAsync(cancellationToken))
            .ToLookup(p => p.CaseId, p => settings.Ladder.Rank(p.Step));
        // Among cases at the same rung, the most money first (summed here: SQLite cannot add decimals in SQL). Read from the
        // open cases to their invoices (by the client index), not from every outstanding invoice to the cases: on a large
        // ledger with few cases open, that scan was a third of the Home tab. "+ 0" keeps SQLite's planner off the cases'
        // index for the join (an expression is not an indexed column), which it otherwise preferred, scanning invoices.
        var overdue = (await db.Cases.AsNoTracking().Where(c => c.ClosedOn == null)
                .Join(db.Invoices.AsNoTracking().Outstanding().Where(i => i.DueDate < asOf), c => new { ClientId = c.ClientId + 0, c.Currency },
                    i => new { i.ClientId, i.Currency }, (c, i) => new { i.ClientId, i.Currency, i.AmountDue })
                .ToListAsync(cancellationToken))
            .GroupBy(i => (i.ClientId, i.Currency)).ToDictionary(g => g.Key, g => g.Sum(i => i.AmountDue));
        var ranked = open.OrderByDescending(c => rungs[c.Id].DefaultIfEmpty(-1).Max())
            .ThenByDescending(c => overdue.GetValueOrDefault((c.ClientId, c.Currency))).ThenBy(c => c.OpenedOn).ThenBy(c => c.Id).ToList();
        var lines = new List<CaseLine>();
        foreach (var c in ranked.Take(Math.Min(ListLength, 10)))
            lines.AddRange((await CaseReport.RunAsync(db, settings, asOf, c.ClientId, cancellationToken)).Where(l => l.CaseId == c.Id));
        return new(lines, ranked.Count);
    }

    /// <summary>
    /// Reminders of the last week on clients this person owns, still unpaid, that nobody has sent yet: the emails ChaseBot
    /// drafted for them to send (one ChaseBot emailed, or someone marked as sent, is not listed).
    /// </summary>
    private static async Task<Shown<OwnReminder>> RemindersAsync(ChaseDbContext db, ChaseSettings settings, string userId, DateOnly asOf,
        CancellationToken cancellationToken)
    {
        var nudges = settings.Ladder.Nudges.Select(n => n.Id).ToList();
        var since = asOf.AddDays(-ReminderDays);
        var ownsUnassigned = settings.DefaultOwner == userId;
        var sent = await db.ChaseSteps.AsNoTracking()
            .Where(s => s.Outcome == StepOutcome.Sent && s.Day > since && s.Day <= asOf && nudges.Contains(s.Step))
            .Join(db.Invoices.AsNoTracking().Outstanding()
                    .Where(i => i.Client.OwnerUserId == userId || (ownsUnassigned && i.Client.OwnerUserId == null)),
                s => s.InvoiceId, i => i.Id, (s, i) => new { s.Step, s.Day, i.Number, i.Currency, i.AmountDue, i.ClientId, Client = i.Client.Name })
            .ToListAsync(cancellationToken);
        var clientIds = sent.Select(s => s.ClientId).Distinct().ToList();
        var delivered = (await db.ClientContacts.AsNoTracking().Where(c => clientIds.Contains(c.ClientId) && c.DraftKey.StartsWith(Delivery.OutboxKey.ReminderPrefix))
            .Select(c => c.DraftKey).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        // ...and one ChaseBot emails itself is not the person's to send, whether it has gone yet or waits for working
        // hours; only one whose email failed for good (dead-lettered) is theirs again.
        delivered.UnionWith((await db.Outbox.AsNoTracking().Where(m => m.Key.StartsWith(Delivery.OutboxKey.EmailedReminderPrefix) && m.DeadLetteredAt == null)
                .Select(m => m.Key).ToListAsync(cancellationToken))
            .Select(k => Delivery.OutboxKey.ChatMessageOf(k)?.Value).OfType<string>());
        // A day's reminder message is keyed by client and day (OutboxKey.Reminders): delivered if its draft was.
        bool Delivered(long clientId, DateOnly day) =>
            delivered.Any(k => k.StartsWith(Delivery.OutboxKey.RemindersOf(clientId, day), StringComparison.Ordinal));
        var all = sent.Where(s => !Delivered(s.ClientId, s.Day)).GroupBy(s => (s.Client, s.Currency)).Select(g =>
            {
                var latest = g.MaxBy(s => (s.Day, settings.Ladder.Rank(s.Step)))!;
                var invoices = g.GroupBy(s => s.Number).Select(i => i.First()).ToList();
                return new OwnReminder(g.Key.Client, settings.Ladder.Find(latest.Step)?.Title ?? latest.Step, latest.Day, g.Key.Currency,
                    invoices.Sum(i => i.AmountDue), invoices.Select(i => i.Number).Order(StringComparer.Ordinal).ToList());
            })
            .OrderByDescending(r => r.Due).ThenBy(r => r.Client, StringComparer.Ordinal).ToList();
        return new(all.Take(ListLength).ToList(), all.Count);
    }

    public static string Amount(string currency, decimal amount) => $"{currency} {Money.Format(amount)}";
}
