using ChaseBot.Core.Chasing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Reports;

/// <summary>A case that is over: why it closed and when, and what happened in it.</summary>
public sealed record ClosedCase(string Client, string Currency, long CaseId, DateOnly OpenedOn, DateOnly ClosedOn, string Reason,
    IReadOnlyList<string> Invoices, IReadOnlyList<CaseEvent> Timeline);

/// <summary>An invoice of the case on hold, and until when (null: until someone resolves it).</summary>
public sealed record CaseHold(string Invoice, string Kind, string Reason, DateOnly? Until);

/// <summary>One thing that happened in a case, on its day, in words.</summary>
public sealed record CaseEvent(DateOnly On, string What);

/// <summary>Where one client's collection stands in one currency.</summary>
/// <param name="Stage">The last rung approved (or the last reminder sent), as a step id; null when nothing has been sent.</param>
/// <param name="NextStep">The rung the case would come to next if nothing changed, and <paramref name="NextEarliest"/> its first day.</param>
/// <param name="Deadline">The latest date given to the client in an approved notice (pay by, suspended on, removed on).</param>
public sealed record CaseLine(string Client, string Currency, long? CaseId, DateOnly? OpenedOn, string? Stage, DateOnly? StageOn,
    long? PendingProposal, string? PendingStep, string? NextStep, DateOnly? NextEarliest, DateOnly? Deadline,
    IReadOnlyList<string> Invoices, decimal Overdue, IReadOnlyList<string> ComingDue, IReadOnlyList<CaseHold> Holds,
    IReadOnlyList<CaseEvent> Timeline);

/// <summary>
/// `cases` and `/chase case`: every client with something overdue (or an open case), where its collection stands,
/// what comes next and when, and what happened so far, all read from the ledger.
/// </summary>
public static class CaseReport
{
    /// <summary>How far ahead the next rung is looked for; further than the whole default ladder.</summary>
    private const int LookAheadDays = 120;

    /// <param name="clientId">One client, or every client with outstanding invoices.</param>
    public static async Task<IReadOnlyList<CaseLine>> RunAsync(ChaseDbContext db, ChaseSettings settings, DateOnly asOf, long? clientId,
        CancellationToken cancellationToken = default)
    {
        var ids = clientId is { } one ? [one] : await ChaseSituations.ClientsWithOutstandingAsync(db, cancellationToken);
        var lines = new List<CaseLine>();
        var events = await InvoiceEvents.ForManyAsync(db, ids.Count, cancellationToken);
        foreach (var chunk in ids.Chunk(ChaseSituations.ClientsPerChunk))
            foreach (var chase in await ChaseSituations.LoadAsync(db, chunk, asOf, settings, cancellationToken, events: events))
                foreach (var c in chase.Cases)
                {
                    if (c.CaseId is null && !c.Invoices.Any(i => i.View.DaysLate > 0))
                        continue; // nothing overdue and no case: nothing to report
                    lines.Add(await LineAsync(db, settings, asOf, chase.Client, c, cancellationToken));
                }
        // Furthest along first: the rung approved or waiting for a decision, whichever is later.
        return lines.OrderByDescending(l => Math.Max(settings.Ladder.Rank(l.Stage), settings.Ladder.Rank(l.PendingStep))).ThenByDescending(l => l.Overdue)
            .ThenBy(l => l.Client, StringComparer.Ordinal).ToList();
    }

    private static async Task<CaseLine> LineAsync(ChaseDbContext db, ChaseSettings settings, DateOnly asOf, ClientView client, ChasedCase c,
        CancellationToken cancellationToken)
    {
        var ladder = settings.Ladder;
        var overdue = c.Invoices.Where(i => i.View.DaysLate > 0).ToList();
        var holds = overdue.Select(i => (i, Reason: ChasePolicy.PauseReason(i.Situation, asOf))).Where(x => x.Reason is not null)
            .Select(x => Hold(x.i, x.Reason!)).ToList();
        var proposals = c.CaseId is null ? [] : await db.Proposals.AsNoTracking().Where(p => p.CaseId == c.CaseId)
            .OrderBy(p => p.Id).ToListAsync(cancellationToken);
        var pending = proposals.LastOrDefault(p => p.Status == ProposalStatus.Pending);
        var approved = c.History.Approved.LastOrDefault();
        var lastReminder = c.Invoices.SelectMany(i => i.Situation.Steps.Where(s => s.Value == StepOutcome.Sent).Select(s => s.Key)).ToList();
        (string? Step, DateOnly? On) stageAt = approved is not null ? (approved.Step, approved.On)
            : c.History.RemindersSent.Count > 0 ? (ladder.Nudges.LastOrDefault(n => lastReminder.Contains(n.Id))?.Id, c.History.RemindersSent[^1])
            : (null, null);
        var (stage, stageOn) = stageAt;
        // A deadline was given only if the text that gave it reached the client.
        var deadline = c.History.Approved.Where(a => a.Step != ChaseLadder.HandOff && c.History.DeliveredOn(a.Step) is not null)
            .Select(a => ladder.ClientDeadline(a.Step, a.On)).Where(d => d is not null).Max();

        // What comes next, if nothing changes: the policy asked about each coming day.
        string? next = pending?.Step;
        DateOnly? earliest = pending is null ? null : asOf;
        for (var day = asOf; next is null && day <= asOf.AddDays(LookAheadDays); day = day.AddDays(1))
        {
            var decided = CasePolicy.Decide(c.Situation, day, ladder, settings.MinDaysBetweenSteps, settings.GraceDays, settings.MinContactDaysBeforeFinal);
            if (decided.Rungs.FirstOrDefault(d => d.Kind is DecisionKind.Proposal or DecisionKind.Resurface or DecisionKind.Hold) is { } rung)
                (next, earliest) = (rung.Step, rung.Kind == DecisionKind.Hold ? null : day);
        }

        return new CaseLine(client.Name, c.Currency, c.CaseId, await OpenedOnAsync(db, c.CaseId, cancellationToken), stage, stageOn,
            pending?.Id, pending?.Step, next, earliest, deadline, overdue.Select(i => i.View.Number).ToList(), overdue.Sum(i => i.View.AmountDue),
            c.Invoices.Where(i => i.View.DaysLate <= 0).Select(i => i.View.Number).ToList(), holds,
            await TimelineAsync(db, settings, client.Name, c.CaseId, proposals, c.Invoices.ToDictionary(i => i.View.Id, i => i.View.Number),
                c.Invoices.Select(i => i.View.DueDate).DefaultIfEmpty(DateOnly.MinValue).Min(), step => c.History.DeliveredOn(step) is not null,
                cancellationToken));
    }

    /// <summary>
    /// `cases --all` and `/chase case &lt;client&gt;`: cases that are over (settled, written off), newest first, each with its
    /// timeline kept, so a case that ended is never forgotten.
    /// </summary>
    public static async Task<IReadOnlyList<ClosedCase>> ClosedAsync(ChaseDbContext db, ChaseSettings settings, long? clientId,
        CancellationToken cancellationToken = default)
    {
        var closed = await db.Cases.AsNoTracking().Where(k => k.ClosedOn != null && (clientId == null || k.ClientId == clientId))
            .OrderByDescending(k => k.ClosedOn).ThenByDescending(k => k.Id)
            .Select(k => new { k.Id, k.ClientId, Client = k.Client.Name, k.Currency, k.OpenedOn, ClosedOn = k.ClosedOn!.Value, k.ClosedReason })
            .ToListAsync(cancellationToken);
        var result = new List<ClosedCase>();
        foreach (var k in closed)
        {
            var proposals = await db.Proposals.AsNoTracking().Where(p => p.CaseId == k.Id).OrderBy(p => p.Id).ToListAsync(cancellationToken);
            var ids = proposals.Select(p => p.Id).ToList();
            var invoices = await db.ProposalInvoices.AsNoTracking().Where(c => ids.Contains(c.ProposalId))
                .Select(c => new { c.InvoiceId, c.Invoice.Number, c.Invoice.DueDate }).Distinct().ToListAsync(cancellationToken);
            var delivered = await db.ClientContacts.AsNoTracking().Where(c => c.ClientId == k.ClientId).Select(c => c.Step).Distinct()
                .ToListAsync(cancellationToken);
            var timeline = (await TimelineAsync(db, settings, k.Client, k.Id, proposals, invoices.DistinctBy(i => i.InvoiceId).ToDictionary(i => i.InvoiceId, i => i.Number),
                    invoices.Select(i => i.DueDate).DefaultIfEmpty(k.OpenedOn).Min(), delivered.Contains, cancellationToken))
                .Where(e => e.On <= k.ClosedOn).Append(new CaseEvent(k.ClosedOn, $"Closed: {k.ClosedReason ?? "nothing overdue is left"}")).ToList();
            result.Add(new ClosedCase(k.Client, k.Currency, k.Id, k.OpenedOn, k.ClosedOn, k.ClosedReason ?? "nothing overdue is left",
                invoices.Select(i => i.Number).Distinct().Order(StringComparer.Ordinal).ToList(), timeline));
        }
        return result;
    }

    private static CaseHold Hold(ChasedInvoice i, string reason)
    {
        var s = i.Situation;
        return s switch
        {
            { OpenDispute: not null } => new(i.View.Number, "dispute", reason, null),
            { PromisedFor: { } promised } when reason.StartsWith("promised", StringComparison.Ordinal) => new(i.View.Number, "promise", reason, promised),
            { SnoozedUntil: { } until } when reason.StartsWith("snoozed", StringComparison.Ordinal) => new(i.View.Number, "snooze", reason, until),
            { ClientPaused: true } when reason.Contains("paused", StringComparison.Ordinal) => new(i.View.Number, "pause", reason, s.ClientPausedUntil),
            _ => new(i.View.Number, "missing", reason, null),
        };
    }

    private static async Task<DateOnly?> OpenedOnAsync(ChaseDbContext db, long? caseId, CancellationToken cancellationToken) =>
        caseId is null ? null : await db.Cases.Where(k => k.Id == caseId).Select(k => (DateOnly?)k.OpenedOn).SingleAsync(cancellationToken);

    /// <summary>Reminders sent, rungs proposed and decided, rungs passed over: what the ledger recorded, oldest first.</summary>
    /// <param name="numbers">The case's invoices, by id: their reminders are part of its story.</param>
    /// <param name="since">The oldest of their due dates: no email before it can be about them.</param>
    /// <param name="delivered">Whether a step's text reached the client (only then did it give them a date).</param>
    private static async Task<IReadOnlyList<CaseEvent>> TimelineAsync(ChaseDbContext db, ChaseSettings settings, string clientName, long? caseId,
        IReadOnlyList<Proposal> proposals, IReadOnlyDictionary<long, string> numbers, DateOnly since, Func<string, bool> delivered,
        CancellationToken cancellationToken)
    {
        var ladder = settings.Ladder;
        string Title(string step) => ladder.Find(step)?.Title ?? step;
        var names = await Commands.ChatPeople.NamesAsync(db, proposals.Select(p => p.DecidedBy), cancellationToken);
        string Who(string? id) => id is null ? "someone" : names.GetValueOrDefault(id, id);
        var events = new List<(DateOnly On, int Order, string What)>();
        var ids = numbers.Keys.ToList();
        var reminders = await db.ChaseSteps.AsNoTracking().Where(s => ids.Contains(s.InvoiceId) && s.Outcome == StepOutcome.Sent && s.Step != PaidThanks.Step)
            .Select(s => new { s.InvoiceId, s.Step, s.Day }).ToListAsync(cancellationToken);
        foreach (var byDay in reminders.GroupBy(r => r.Day))
            events.Add((byDay.Key, 0, $"Reminder drafted: {string.Join(", ", byDay.Select(r => $"{Title(r.Step)} for {numbers[r.InvoiceId]}"))}"));
        if (caseId is { } id)
        {
            foreach (var skipped in await db.CaseSteps.AsNoTracking().Where(s => s.CaseId == id && s.Outcome == StepOutcome.Skipped)
                         .ToListAsync(cancellationToken))
                events.Add((skipped.Day, 1, $"Passed over: {Title(skipped.Step)}, because {skipped.Reason}"));
            foreach (var p in proposals)
            {
                events.Add((p.ProposedOn, 1, $"Proposed: {Title(p.Step)} (proposal {p.Id})"));
                if (p.DecidedOn is { } decided)
                    events.Add((decided, 2, p.Status switch
                    {
                        ProposalStatus.Approved => $"Approved by {Who(p.DecidedBy)}: {Title(p.Step)}" +
                                                   (p.Step != ChaseLadder.HandOff && ladder.ClientDeadline(p.Step, decided) is { } by && delivered(p.Step)
                                                       ? $", giving the client until {by:d MMM yyyy}" : ""),
                        ProposalStatus.Rejected => $"Rejected by {Who(p.DecidedBy)}: {Title(p.Step)}" + (p.Reason is null ? "" : $" ({p.Reason})"),
                        ProposalStatus.Snoozed => $"Snoozed by {Who(p.DecidedBy)}: {Title(p.Step)}",
                        _ => $"{p.Status}: {Title(p.Step)}",
                    }));
                if (p.Status == ProposalStatus.Withdrawn)
                    events.Add((p.ProposedOn, 3, $"Withdrawn: {Title(p.Step)}, because {p.Reason}"));
            }
        }
        // What went by email, as the mail server acknowledged it (the audit history: to, cc, subject), since the
        // oldest of these invoices fell due: nothing earlier can be about them.
        foreach (var sent in await db.AuditEntries.AsNoTracking().Where(a => a.Action == AuditActions.EmailSent && a.Subject == clientName)
                     .OrderBy(a => a.Id).Select(a => new { a.At, a.Details }).ToListAsync(cancellationToken))
        {
            var day = settings.Calendar.Today(new DateTimeOffset(sent.At, TimeSpan.Zero));
            var what = sent.Details is { } d && d.IndexOf("; Message-ID", StringComparison.Ordinal) is var cut and > 0 ? d[..cut] : sent.Details;
            if (day >= since)
                events.Add((day, 3, $"Emailed {what}"));
        }
        return events.OrderBy(e => e.On).ThenBy(e => e.Order).Select(e => new CaseEvent(e.On, e.What)).ToList();
    }
}
