using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>One outstanding invoice, as the policy sees it and as its messages describe it.</summary>
public sealed record ChasedInvoice(InvoiceView View, InvoiceSituation Situation, long? OpenPromiseId);

/// <summary>
/// A client's collection case in one currency, as the policy and the texts see it: the open case (if one has been
/// opened), its situation, the client's outstanding invoices in that currency and what has been done so far.
/// </summary>
public sealed record ChasedCase(long? CaseId, CaseSituation Situation, IReadOnlyList<ChasedInvoice> Invoices, CaseHistory History)
{
    public string Currency => Situation.Currency;
}

/// <summary>A client and its outstanding invoices: the unit of one chase transaction and one reminder message.</summary>
/// <param name="Contact">What reached the client so far (emailed and accepted, or marked as sent), oldest first.</param>
/// <param name="PayByGiven">The latest "pay by" date a message that reached the client gave them.</param>
public sealed record ClientChase(ClientView Client, IReadOnlyList<ChasedInvoice> Invoices, IReadOnlyList<ChasedCase> Cases,
    IReadOnlyList<TakenStep>? Contact = null, DateOnly? PayByGiven = null)
{
    /// <summary>A reminder has reached the client before: only then may a text say "our earlier reminders".</summary>
    public bool RemindedBefore => (Contact ?? []).Any(c => ChaseLadder.IsReminder(c.Step));
}

/// <summary>Loads what the policy needs, set-based, a chunk of clients at a time (memory stays flat).</summary>
public static class ChaseSituations
{
    public const int ClientsPerChunk = 200;

    public static Task<List<long>> ClientsWithOutstandingAsync(ChaseDbContext db, CancellationToken cancellationToken) =>
        db.Invoices.Outstanding()
            .Select(i => i.ClientId).Distinct().OrderBy(id => id).ToListAsync(cancellationToken);

    /// <param name="heldSources">Connected sources too stale to act on, with why: their invoices are held.</param>
    /// <param name="events">Disputes, payments and promises read for the whole chase (<see cref="InvoiceEvents.ForManyAsync"/>);
    /// none, they are read for these clients.</param>
    internal static async Task<List<ClientChase>> LoadAsync(ChaseDbContext db, IReadOnlyList<long> clientIds, DateOnly today,
        ChaseSettings settings, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? heldSources = null,
        InvoiceEvents? events = null)
    {
        // The chunk is a run of consecutive ids from ClientsWithOutstandingAsync, so a range selects exactly its clients'
        // open invoices. Two parameters instead of a list of thousands: binding and planning those lists was most of
        // the time (measured: 8 s of planning for 100,000 invoices).
        var (lo, hi) = (clientIds.Min(), clientIds.Max());
        var open = db.Invoices.AsNoTracking().Outstanding().Where(i => i.ClientId >= lo && i.ClientId <= hi);
        var clients = await db.Clients.AsNoTracking().Where(c => c.Id >= lo && c.Id <= hi).ToDictionaryAsync(c => c.Id, cancellationToken);
        var (invoices, _) = await OpenInvoices.ReadAsync(db, lo, hi, cancellationToken);
        // Sorted in memory: cheaper than SQLite's temporary B-tree for each chunk.
        invoices.Sort((a, b) => a.DueDate != b.DueDate ? a.DueDate.CompareTo(b.DueDate) : a.Id.CompareTo(b.Id));
        // The chunk's invoice ids go as one parameter (a JSON array SQLite reads with json_each, an array on PostgreSQL):
        // the steps are found by their index, not joined through the chunk's invoice rows again, which re-read each
        // (0.5 s of planning 1,000,000 invoices). EF.Parameter keeps EF from making thousands of parameters of them.
        var ids = invoices.Select(i => i.Id).ToList();
        var steps = (await db.ChaseSteps.AsNoTracking().Where(s => EF.Parameter(ids).Contains(s.InvoiceId))
                .Select(s => new { s.InvoiceId, s.Step, s.Outcome, s.Day }).ToListAsync(cancellationToken))
            .ToLookup(s => s.InvoiceId);
        var openCases = db.Cases.AsNoTracking().Where(c => c.ClientId >= lo && c.ClientId <= hi && c.ClosedOn == null);
        var cases = await openCases.ToDictionaryAsync(c => (c.ClientId, c.Currency), cancellationToken);
        var caseSteps = (await db.CaseSteps.AsNoTracking().Join(openCases, s => s.CaseId, c => c.Id, (s, c) => s)
                .ToListAsync(cancellationToken))
            .ToLookup(s => s.CaseId);
        var proposals = (await db.Proposals.AsNoTracking().Join(openCases, p => p.CaseId, c => c.Id, (p, c) => p)
                .Select(p => new { CaseId = p.CaseId!.Value, State = new ProposalState(p.Step, p.Status, p.ProposedOn, p.DecidedOn, p.SnoozedUntil, p.Reason) })
                .ToListAsync(cancellationToken))
            .ToLookup(p => p.CaseId, p => p.State);
        var contactRows = (await db.ClientContacts.AsNoTracking().Where(c => c.ClientId >= lo && c.ClientId <= hi)
                .Select(c => new { c.ClientId, c.Step, c.At, c.PayBy }).ToListAsync(cancellationToken))
            .OrderBy(c => c.At).ToList();
        var contacts = contactRows.ToLookup(c => c.ClientId,
            c => new TakenStep(c.Step, settings.Calendar.Today(new DateTimeOffset(DateTime.SpecifyKind(c.At, DateTimeKind.Utc)))));
        var lastContact = contactRows.GroupBy(c => c.ClientId).ToDictionary(g => g.Key, g => g.Max(c => c.At));
        var payByGiven = contactRows.Where(c => c.PayBy is not null).GroupBy(c => c.ClientId).ToDictionary(g => g.Key, g => g.Max(c => c.PayBy!.Value));
        var (disputes, resolved, payments, promises) = events ?? await InvoiceEvents.ReadAsync(db, open, cancellationToken);

        return invoices.GroupBy(i => i.ClientId).Select(group =>
        {
            var client = clients[group.Key];
            var view = ClientView.From(client, settings);
            var contact = contacts[group.Key].ToList();
            var chased = group.Select(i =>
            {
                var promise = promises[i.Id].MaxBy(p => p.Id); // The latest promise made is the one that counts.
                var situation = new InvoiceSituation
                {
                    InvoiceId = i.Id, Number = i.Number, DueDate = i.DueDate, Status = i.Status,
                    Clauses = client.Clauses, ClientPaused = client.IsPaused, ClientPausedUntil = client.PausedUntil,
                    SnoozedUntil = i.SnoozedUntil, OpenDispute = disputes[i.Id].FirstOrDefault(),
                    ResumesAfterDispute = resolved.TryGetValue(i.Id, out var resolvedAt)
                        ? settings.Calendar.Today(new DateTimeOffset(DateTime.SpecifyKind(resolvedAt, DateTimeKind.Utc))).AddDays(settings.ResumeAfterDisputeDays)
                        : null,
                    PromisedFor = promise?.PromisedFor, MissingFromExport = i.MissingSince is null ? null : i.Source,
                    HeldBySource = heldSources?.GetValueOrDefault(i.Source),
                    ReopenedAt = i.ReopenedAt,
                    Steps = steps[i.Id].ToDictionary(s => s.Step, s => s.Outcome),
                };
                var since = lastContact.TryGetValue(i.ClientId, out var at) ? at : DateTime.MinValue;
                var received = payments[i.Id].Where(p => p.RecordedAt > since).ToList();
                var view = InvoiceView.From(i, today) with
                {
                    Received = received.Count == 0 ? null : new PartPayment(received.Sum(p => p.Amount), received.Max(p => p.PaidOn)),
                    QueryResolved = resolved.TryGetValue(i.Id, out var when) && when > since && disputes[i.Id].FirstOrDefault() is null,
                };
                return new ChasedInvoice(view, situation, promise?.Id);
            }).ToList();
            var byCurrency = chased.GroupBy(i => i.View.Currency).Select(inCurrency =>
            {
                var open = cases.GetValueOrDefault((group.Key, inCurrency.Key));
                var rungs = open is null ? [] : caseSteps[open.Id].ToList();
                var decided = open is null ? [] : proposals[open.Id].ToList();
                var situation = new CaseSituation
                {
                    CaseId = open?.Id, Currency = inCurrency.Key, Clauses = client.Clauses,
                    Invoices = inCurrency.Select(i => i.Situation).ToList(),
                    Steps = rungs.ToDictionary(s => s.Step, s => s.Outcome),
                    Proposals = decided,
                    FirstContact = contact.Count == 0 ? null : contact.Min(k => k.On),
                    ContactDays = contact.Select(k => k.On).Distinct().Order().ToList(),
                    PayByGiven = payByGiven.TryGetValue(group.Key, out var given) ? given : null,
                };
                var history = new CaseHistory(
                    decided.Where(p => p.Status == ProposalStatus.Approved && p.DecidedOn is not null)
                        .Select(p => new TakenStep(p.Step, p.DecidedOn!.Value)).OrderBy(p => p.On).ToList(),
                    inCurrency.SelectMany(i => steps[i.View.Id]).Where(s => s.Outcome == StepOutcome.Sent && s.Step != PaidThanks.Step)
                        .Select(s => s.Day).Distinct().Order().ToList(),
                    contact, situation.PayByGiven);
                return new ChasedCase(open?.Id, situation, inCurrency.ToList(), history);
            }).ToList();
            return new ClientChase(view, chased, byCurrency, contact, payByGiven.TryGetValue(group.Key, out var latest) ? latest : null);
        }).ToList();
    }
}
