using ChaseBot.Core.Delivery;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// A chase run: for every client with outstanding invoices, decide (CasePolicy over each case, ChasePolicy over each
/// invoice's reminders) and record the decisions with the messages they cause in one transaction. The unique keys on
/// steps, case rungs and outbox rows make a second run, a rerun after a crash, or a second Worker racing this one a
/// no-op for whatever was already decided.
/// </summary>
public sealed partial class ChaseRunner(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings settings, TimeProvider clock,
    ILogger<ChaseRunner>? log = null, Microsoft.Extensions.Options.IOptions<Email.EmailOptions>? email = null,
    Sources.ConnectedSources? sources = null, LatePayment.LateCharges? lateCharges = null)
{
    private readonly Email.EmailOptions _email = email?.Value ?? new();
    private readonly ILogger _log = log ?? NullLogger<ChaseRunner>.Instance;

    /// <summary>How a rung held back by Chase:MaxNewProposalsPerRun is explained (plan, digest).</summary>
    public const string WaitingItsTurn = "waiting its turn";

    /// <summary>Runs the chase for <paramref name="asOf"/> (default: today in the configured zone).</summary>
    public async Task<ChaseRunSummary> RunAsync(DateOnly? asOf = null, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var today = asOf ?? settings.Calendar.Today(now);
        using var span = Telemetry.ChaseTraces.Source.StartActivity("chase run")?.SetTag("chasebot.day", today.ToString("yyyy-MM-dd"));
        // Fresh before deciding: a waiting proposal whose invoices were paid or put on hold since is withdrawn, so this
        // run can put the case again with today's invoices and figures.
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await ProposalWithdrawal.WithdrawStaleAsync(db, settings.Ladder, today, now.UtcDateTime, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        var (admitted, waiting) = await AdmitNewProposalsAsync(today, cancellationToken);
        var totals = new ClientChaseCounts();
        await foreach (var chase in ChasesAsync(today, cancellationToken))
            totals += await ApplyAsync(chase, today, now, admitted, cancellationToken);
        var closed = await CaseClosures.CloseSettledAsync(dbFactory, settings, today, now, cancellationToken);
        var thanks = await PaidThanks.SendAsync(dbFactory, settings, today, now, cancellationToken, _email, lateCharges);
        var writtenOff = await WriteOffs.SendAsync(dbFactory, settings, today, now, cancellationToken);
        span?.SetTag("chasebot.reminders", totals.Reminders).SetTag("chasebot.proposals", totals.Proposals);
        return new ChaseRunSummary(today, totals.Reminders, totals.Proposals + closed, totals.Notes + writtenOff, totals.Skipped, totals.Held, thanks,
            totals.Conflicts, waiting);
    }

    /// <summary>
    /// What a run on <paramref name="asOf"/> would decide, changing nothing. Quiet hours and weekends delay delivery,
    /// not decisions: each entry says when its message would be sent.
    /// </summary>
    public async Task<IReadOnlyList<PlanEntry>> PlanAsync(DateOnly? asOf = null, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var today = asOf ?? settings.Calendar.Today(now);
        // A run on another day is imagined at this same time of day.
        var local = TimeZoneInfo.ConvertTime(now, settings.Calendar.Zone);
        var decidedAt = new DateTimeOffset(today.ToDateTime(TimeOnly.FromDateTime(local.DateTime)),
            settings.Calendar.Zone.GetUtcOffset(today.ToDateTime(TimeOnly.FromDateTime(local.DateTime))));
        var sendAt = settings.Calendar.NextAllowed(decidedAt);
        static (string Kind, bool Posts) Kind(ChaseDecision d) => d.Kind switch
        {
            DecisionKind.Nudge => ("nudge", true),
            DecisionKind.Proposal or DecisionKind.Resurface => ("proposal", true),
            DecisionKind.GuardNote or DecisionKind.BrokenPromiseNote => ("skip", true),
            _ => ("skip", false),
        };
        List<PlanEntry> Entries(ClientChase chase, ChasedCase chased, CaseDecisions decided)
        {
            var entries = new List<PlanEntry>();
            var covered = decided.Covered.Count > 0 ? decided.Covered : chased.Situation.Invoices.Where(i => i.DueDate < today).ToList();
            var lead = covered.OrderBy(i => i.DueDate).ThenBy(i => i.Number, StringComparer.Ordinal).FirstOrDefault();
            foreach (var d in decided.Rungs)
            {
                var (kind, posts) = Kind(d);
                entries.Add(new PlanEntry(lead?.Number ?? "", chase.Client.Name, d.Step, kind, d.Reason, posts ? sendAt : null,
                    covered.Select(i => i.Number).ToList()));
            }
            foreach (var (invoice, decisions) in decided.Invoices)
                foreach (var d in decisions)
                {
                    var (kind, posts) = Kind(d);
                    entries.Add(new PlanEntry(invoice.Number, chase.Client.Name, d.Step, kind, d.Reason, posts ? sendAt : null, [invoice.Number]));
                }
            return entries;
        }

        // One pass over the ledger, which is most of what planning costs: each case is decided once, and a case due a new
        // proposal is written down both ways (proposed, and held waiting its turn) until the pass has seen every
        // candidate and admission can be settled.
        var cases = new List<(List<PlanEntry> AsDecided, NewProposal? Candidate, List<PlanEntry>? IfHeld)>();
        var candidates = new List<NewProposal>();
        await foreach (var chase in ChasesAsync(today, cancellationToken))
            foreach (var c in chase.Cases)
            {
                var decided = CasePolicy.Decide(c.Situation, today, settings.Ladder, settings.MinDaysBetweenSteps, settings.GraceDays, settings.MinContactDaysBeforeFinal);
                var candidate = NewProposal.Of(chase, c, decided);
                if (candidate is not null)
                    candidates.Add(candidate);
                cases.Add((Entries(chase, c, decided), candidate, candidate is null ? null : Entries(chase, c, Held(decided))));
            }
        var admitted = Admit(candidates);
        return cases.SelectMany(c => c.Candidate is null || admitted.Contains(c.Candidate.Key) ? c.AsDecided : c.IfHeld!).ToList();
    }

    /// <summary>Cases due a new proposal on <paramref name="day"/>: how many the next run would post, and how many would wait after it.</summary>
    public async Task<(int NextRun, int Later)> CatchUpAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var (admitted, waiting) = await AdmitNewProposalsAsync(day, cancellationToken);
        return (admitted.Count, waiting);
    }

    /// <summary>A case's decisions with its new proposal held back: the rung waits its turn, and says why.</summary>
    private CaseDecisions Held(CaseDecisions decided)
    {
        var held = new ChaseDecision(decided.Proposal!.Step, DecisionKind.Hold,
            $"{WaitingItsTurn}: at most {Text.Counted.Of(settings.MaxNewProposalsPerRun, "new proposal")} a run (Chase:MaxNewProposalsPerRun), the most overdue first");
        // Its invoices are the case's all the same: no reminder beside the notice that is waiting its turn.
        return new CaseDecisions([held], [], decided.Invoices);
    }

    /// <summary>
    /// Each case's decisions, with new proposals limited to the admitted cases: a case not admitted today holds its
    /// rung (recording nothing) and says why, and is decided afresh on the next run.
    /// </summary>
    private IEnumerable<(ChasedCase Case, CaseDecisions Decided)> Decide(ClientChase chase, DateOnly today,
        IReadOnlySet<(long Client, string Currency)> admitted)
    {
        foreach (var c in chase.Cases)
        {
            var decided = CasePolicy.Decide(c.Situation, today, settings.Ladder, settings.MinDaysBetweenSteps, settings.GraceDays, settings.MinContactDaysBeforeFinal);
            if (decided.Proposal is { Kind: DecisionKind.Proposal } && !admitted.Contains((chase.Client.Id, c.Currency)))
                decided = Held(decided);
            yield return (c, decided);
        }
    }

    private async IAsyncEnumerable<ClientChase> ChasesAsync(DateOnly today,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<long> clientIds;
        InvoiceEvents? events;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            clientIds = await ChaseSituations.ClientsWithOutstandingAsync(db, cancellationToken);
            events = await InvoiceEvents.ForManyAsync(db, clientIds.Count, cancellationToken);
        }
        // Books connected but not synced for too long: nothing is decided on their facts until they are.
        var heldSources = sources is null ? null : await sources.HeldAsync(cancellationToken);
        foreach (var chunk in clientIds.Chunk(ChaseSituations.ClientsPerChunk))
        {
            List<ClientChase> chases;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
                chases = await ChaseSituations.LoadAsync(db, chunk, today, settings, cancellationToken, heldSources, events);
            foreach (var chase in chases)
                yield return chase;
        }
    }

    /// <summary>Decides and records one client's chase in one transaction: what it queued, recorded and held.</summary>
    private async Task<ClientChaseCounts> ApplyAsync(ClientChase chase, DateOnly today, DateTimeOffset now,
        IReadOnlySet<(long Client, string Currency)> admitted, CancellationToken cancellationToken)
    {
        var counts = new ClientChaseCounts();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var at = now.UtcDateTime;
        var notBefore = settings.Calendar.NextAllowed(now).UtcDateTime;
        var client = chase.Client;
        var reminders = new List<DueReminder>();
        // Steps and their audit entries are most of a first run on a ledger nobody has chased (about 3.5 an invoice:
        // one step and the catch-up skips): they go in through one prepared INSERT each, not EF (BulkInsert). Messages
        // are added in decision order once new proposals and cases have their ids, which go on buttons and rungs.
        var record = new StepRecorder();
        var messages = new List<Action>();
        var needIds = false;
        var invoices = chase.Invoices.ToDictionary(i => i.View.Id);
        // A hold or a skip means the same for a case's rung and for an invoice's own step: counted, and a skip recorded.
        bool Bookkept(ChaseDecision decision, Action recordSkip)
        {
            if (decision.Kind == DecisionKind.Hold)
                counts.Held++;
            else if (decision.Kind == DecisionKind.Skip)
            {
                recordSkip();
                counts.Skipped++;
            }
            return decision.Kind is DecisionKind.Hold or DecisionKind.Skip;
        }
        try
        {
            foreach (var (chased, decided) in Decide(chase, today, admitted))
            {
                var opened = chased.CaseId is null && decided.Rungs.Any(d => d.Kind is not DecisionKind.Hold)
                    ? OpenCase(db, record, client, chased.Currency, today, at)
                    : null;
                needIds |= opened is not null;
                var caseView = CaseView.From(client, chased, decided.Covered.Select(i => i.InvoiceId));
                foreach (var decision in decided.Rungs)
                {
                    if (Bookkept(decision, () => record.Rung(chased.CaseId, opened, client, chased.Currency, decision, StepOutcome.Skipped, today, at)))
                        continue;
                    var step = decision.Step is null ? null : settings.Ladder.Find(decision.Step);
                    switch (decision.Kind)
                    {
                        case DecisionKind.GuardNote:
                            record.Rung(chased.CaseId, opened, client, chased.Currency, decision, StepOutcome.Skipped, today, at);
                            var (guardStep, guardReason, guardCase) = (step!, decision.Reason, chased);
                            var guardView = CaseView.From(client, chased, CasePolicy.Chaseable(chased.Situation.Invoices, today).Select(i => i.InvoiceId));
                            messages.Add(() => OutboxQueue.Add(db, OutboxKey.Guard(guardCase.CaseId ?? opened!.Id, guardStep.Id), OutboxKinds.GuardNote, client.Channel,
                                ChaseMessages.GuardNote(guardView, guardStep, guardReason), at, notBefore));
                            counts.Notes++;
                            break;
                        case DecisionKind.Proposal:
                        case DecisionKind.Resurface:
                            needIds = true;
                            messages.Add(await ProposeAsync(db, record, chased, opened, caseView, decided, step!, decision, today, at, notBefore,
                                cancellationToken));
                            counts.Proposals++;
                            break;
                    }
                }
                foreach (var (situation, decisions) in decided.Invoices)
                {
                    var invoice = invoices[situation.InvoiceId];
                    if (situation.ReopenedAt is { } reopenedAt && OutboxKey.Reopened(situation.InvoiceId, reopenedAt) is var reopenedKey &&
                        !await db.Outbox.AnyAsync(m => m.Key == reopenedKey.Value, cancellationToken))
                    {
                        OutboxQueue.Add(db, reopenedKey, OutboxKinds.Reopened, client.Channel, ChaseMessages.Reopened(client, invoice.View), at, notBefore);
                        counts.Notes++;
                    }
                    foreach (var decision in decisions)
                    {
                        if (Bookkept(decision, () => record.Step(invoice, decision, StepOutcome.Skipped, today, at)))
                            continue;
                        var step = decision.Step is null ? null : settings.Ladder.Find(decision.Step);
                        switch (decision.Kind)
                        {
                            case DecisionKind.Nudge:
                                record.Step(invoice, decision, StepOutcome.Sent, today, at);
                                reminders.Add(new DueReminder(invoice.View, step!, decision.Reason, chase.RemindedBefore));
                                counts.Reminders++;
                                break;
                            case DecisionKind.BrokenPromiseNote:
                                var (broken, brokenReason) = (invoice, decision.Reason);
                                messages.Add(() => OutboxQueue.Add(db, OutboxKey.PromiseBroken(broken.OpenPromiseId), OutboxKinds.PromiseBroken, client.Channel,
                                    ChaseMessages.BrokenPromise(client, broken.View, brokenReason), at, notBefore));
                                counts.Notes++;
                                break;
                        }
                    }
                    var brokenNow = decisions.Any(d => d.Kind != DecisionKind.Hold) ||
                                    decided.Rungs.Any(d => d.Fires && decided.Covered.Contains(situation));
                    if (situation.PromisedFor is { } promised && promised < today && invoice.OpenPromiseId is { } promiseId && brokenNow)
                        await MarkPromiseBrokenAsync(db, promiseId, invoice.View.Number, at, cancellationToken);
                }
            }
            if (needIds)
                await db.SaveChangesAsync(cancellationToken); // new cases and proposals get their ids
            foreach (var message in messages)
                message();
            if (reminders.Count > 0)
            {
                var key = OutboxKey.Reminders(client.Id, today, reminders.Select(r => $"{r.Invoice.Id}-{r.Step.Id}"));
                var reminder = ChaseMessages.Reminders(client, reminders, today, settings.SenderName,
                    chase.PayByGiven is { } given && given > today ? given : null);
                ReminderDelivery.Queue(db, key, client, reminder, settings, _email, now);
            }
            await db.SaveChangesAsync(cancellationToken);
            await record.WriteAsync(db, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return counts;
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException && UniqueViolation.Is(e))
        {
            // Another run recorded one of these steps first (the unique key said so): it owns them, this run backs off.
            await transaction.RollbackAsync(cancellationToken);
            _log.LogInformation("Chase for {Client} on {Day} was already decided by another run ({Error})", client.Name, today,
                e.InnerException?.Message ?? e.Message);
            return new ClientChaseCounts { Conflicts = 1 };
        }
    }
}
