using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChaseBot.Core.Chasing;

/// <summary>One line of `plan`: what the chase would do to an invoice, and when its message would go out.</summary>
public sealed record PlanEntry(string Invoice, string Client, string? Step, string Kind, string Reason, DateTimeOffset? SendAt);

public sealed record ChaseRunSummary(DateOnly Day, int Reminders, int Proposals, int Notes, int Skipped, int Held, int Thanks, int Conflicts)
{
    public int Messages => Reminders + Proposals + Notes + Thanks;
}

/// <summary>
/// A chase run: for every client with outstanding invoices, decide (ChasePolicy) and record the decisions with the
/// messages they cause in one transaction. The unique keys on steps and outbox rows make a second run, a rerun
/// after a crash, or a second Worker racing this one a no-op for whatever was already decided.
/// </summary>
public sealed class ChaseRunner(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings settings, TimeProvider clock,
    ILogger<ChaseRunner>? log = null)
{
    private readonly ILogger _log = log ?? NullLogger<ChaseRunner>.Instance;

    /// <summary>Runs the chase for <paramref name="asOf"/> (default: today in the configured zone).</summary>
    public async Task<ChaseRunSummary> RunAsync(DateOnly? asOf = null, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var today = asOf ?? settings.Calendar.Today(now);
        var totals = new int[7];
        await foreach (var chase in ChasesAsync(today, cancellationToken))
        {
            var counts = await ApplyAsync(chase, today, now, cancellationToken);
            for (var i = 0; i < counts.Length; i++)
                totals[i] += counts[i];
        }
        var thanks = await PaidThanks.SendAsync(dbFactory, settings, today, now, cancellationToken);
        return new ChaseRunSummary(today, totals[0], totals[1], totals[2], totals[3], totals[4], thanks, totals[6]);
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
        var entries = new List<PlanEntry>();
        await foreach (var chase in ChasesAsync(today, cancellationToken))
            foreach (var (invoice, decisions) in Decide(chase, today))
                foreach (var d in decisions)
                {
                    var (kind, posts) = d.Kind switch
                    {
                        DecisionKind.Nudge => ("nudge", true),
                        DecisionKind.Proposal or DecisionKind.Resurface => ("proposal", true),
                        DecisionKind.GuardNote or DecisionKind.BrokenPromiseNote => ("skip", true),
                        _ => ("skip", false),
                    };
                    entries.Add(new PlanEntry(invoice.View.Number, chase.Client.Name, d.Step, kind, d.Reason, posts ? sendAt : null));
                }
        return entries;
    }

    /// <summary>
    /// The policy's decisions for each of a client's invoices, with one escalation at a time per client and currency:
    /// while one of its invoices has a proposal waiting (or is given one now, the most overdue first), another
    /// invoice's proposal waits, so a client is never asked two things at once.
    /// </summary>
    private IEnumerable<(ChasedInvoice Invoice, IReadOnlyList<ChaseDecision> Decisions)> Decide(ClientChase chase, DateOnly today)
    {
        var waiting = chase.Invoices
            .Where(i => i.Situation.Proposals.Any(p => p.Status == ProposalStatus.Pending))
            .GroupBy(i => i.View.Currency).ToDictionary(g => g.Key, g => g.First().View.Number);
        foreach (var invoice in chase.Invoices.OrderByDescending(i => i.View.DaysLate).ThenBy(i => i.View.Number, StringComparer.Ordinal))
        {
            var decisions = ChasePolicy.Decide(invoice.Situation, today, settings.Ladder, settings.MinDaysBetweenSteps, settings.GraceDays);
            if (decisions.FirstOrDefault(d => d.Kind is DecisionKind.Proposal or DecisionKind.Resurface) is not { } proposal)
            {
                yield return (invoice, decisions);
                continue;
            }
            if (waiting.TryGetValue(invoice.View.Currency, out var other) && other != invoice.View.Number)
            {
                // Held, not recorded: it is decided afresh once the other proposal has been decided.
                yield return (invoice, [.. decisions.Where(d => d != proposal && d.Kind != DecisionKind.Skip),
                    new ChaseDecision(proposal.Step, DecisionKind.Hold,
                        $"one escalation at a time for {chase.Client.Name} ({invoice.View.Currency}): waiting for the decision on {other}")]);
                continue;
            }
            waiting[invoice.View.Currency] = invoice.View.Number;
            yield return (invoice, decisions);
        }
    }

    private async IAsyncEnumerable<ClientChase> ChasesAsync(DateOnly today,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<long> clientIds;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            clientIds = await ChaseSituations.ClientsWithOutstandingAsync(db, cancellationToken);
        foreach (var chunk in clientIds.Chunk(ChaseSituations.ClientsPerChunk))
        {
            List<ClientChase> chases;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
                chases = await ChaseSituations.LoadAsync(db, chunk, today, settings, cancellationToken);
            foreach (var chase in chases)
                yield return chase;
        }
    }

    /// <summary>[reminders, proposals, notes, skipped, held, -, conflicts] for one client.</summary>
    private async Task<int[]> ApplyAsync(ClientChase chase, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counts = new int[7];
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var at = now.UtcDateTime;
        var notBefore = settings.Calendar.NextAllowed(now).UtcDateTime;
        var client = chase.Client;
        var reminders = new List<DueReminder>();
        // Steps and their audit entries are most of a first run on a ledger nobody has chased (about 3.5 a invoice:
        // one step and the catch-up skips): they go in through one prepared INSERT each, not EF (BulkInsert). Messages
        // are added in decision order once new proposals have their ids, which go on their buttons.
        var record = new StepRecorder();
        var messages = new List<Action>();
        var proposals = 0;
        try
        {
            foreach (var (invoice, decisions) in Decide(chase, today))
            {
                foreach (var decision in decisions)
                {
                    var step = decision.Step is null ? null : settings.Ladder.Find(decision.Step);
                    switch (decision.Kind)
                    {
                        case DecisionKind.Hold:
                            counts[4]++;
                            break;
                        case DecisionKind.Skip:
                            record.Step(invoice, decision, StepOutcome.Skipped, today, at);
                            counts[3]++;
                            break;
                        case DecisionKind.Nudge:
                            record.Step(invoice, decision, StepOutcome.Sent, today, at);
                            reminders.Add(new DueReminder(invoice.View, step!, decision.Reason,
                                invoice.Situation.Steps.Values.Any(o => o == StepOutcome.Sent)));
                            counts[0]++;
                            break;
                        case DecisionKind.GuardNote:
                            record.Step(invoice, decision, StepOutcome.Skipped, today, at);
                            var (guarded, guardStep, guardReason) = (invoice, step!, decision.Reason);
                            messages.Add(() => Enqueue(db, $"guard:{guarded.View.Id}:{guardStep.Id}", "guard-note", client.Channel,
                                ChaseMessages.GuardNote(client, guarded.View, guardStep, guardReason), at, notBefore));
                            counts[2]++;
                            break;
                        case DecisionKind.Proposal:
                        case DecisionKind.Resurface:
                            messages.Add(await ProposeAsync(db, record, chase, invoice, step!, decision, today, at, notBefore, cancellationToken));
                            proposals++;
                            counts[1]++;
                            break;
                        case DecisionKind.BrokenPromiseNote:
                            var (broken, brokenReason) = (invoice, decision.Reason);
                            messages.Add(() => Enqueue(db, $"promise-broken:{broken.OpenPromiseId}", "promise-broken", client.Channel,
                                ChaseMessages.BrokenPromise(client, broken.View, brokenReason), at, notBefore));
                            counts[2]++;
                            break;
                    }
                }
                if (invoice.Situation.PromisedFor is { } promised && promised < today && invoice.OpenPromiseId is { } promiseId &&
                    decisions.Any(d => d.Kind != DecisionKind.Hold))
                    await MarkPromiseBrokenAsync(db, promiseId, invoice.View.Number, at, cancellationToken);
            }
            if (proposals > 0)
                await db.SaveChangesAsync(cancellationToken); // new proposals get their ids
            foreach (var message in messages)
                message();
            if (reminders.Count > 0)
                Enqueue(db, $"reminder:{client.Id}:{today:yyyy-MM-dd}:{string.Join(',', reminders.Select(r => $"{r.Invoice.Id}-{r.Step.Id}"))}",
                    "reminder", client.Channel, ChaseMessages.Reminders(client, reminders, today, settings.SenderName), at, notBefore);
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
            return [0, 0, 0, 0, 0, 0, 1];
        }
    }

    /// <summary>Records the proposal (or brings it back); returns what posts it, to run once the proposal has its id.</summary>
    private async Task<Action> ProposeAsync(ChaseDbContext db, StepRecorder record, ClientChase chase, ChasedInvoice invoice, LadderStep step,
        ChaseDecision decision, DateOnly today, DateTime at, DateTime notBefore, CancellationToken cancellationToken)
    {
        Proposal proposal;
        var resurfaced = decision.Kind == DecisionKind.Resurface;
        if (resurfaced)
        {
            proposal = await db.Proposals.SingleAsync(p => p.InvoiceId == invoice.View.Id && p.Step == step.Id, cancellationToken);
            proposal.Status = ProposalStatus.Pending;
            proposal.Resurfaced++;
            proposal.SnoozedUntil = null;
            proposal.Reason = null;
        }
        else
        {
            record.Step(invoice, decision, StepOutcome.Proposed, today, at);
            proposal = new Proposal
            {
                InvoiceId = invoice.View.Id, Step = step.Id, Status = ProposalStatus.Pending, ProposedOn = today, ProposedAt = at,
            };
            db.Proposals.Add(proposal);
        }
        return () =>
        {
            var artifact = EscalationArtifacts.For(step.Id, chase.Client, invoice.View, chase.Invoices.Select(i => i.View).ToList(),
                today, settings.Ladder, settings.SenderName);
            Enqueue(db, $"proposal:{proposal.Id}:{proposal.Resurfaced}", "proposal", chase.Client.Channel,
                ChaseMessages.Proposal(proposal.Id, chase.Client, invoice.View, step, decision.Reason, artifact, resurfaced), at, notBefore);
            db.AuditEntries.Add(new AuditEntry
            {
                At = at, Actor = "chase", Action = resurfaced ? "proposal.resurfaced" : "proposal.created", Subject = invoice.View.Number,
                Details = $"{step.Id}: {decision.Reason}",
            });
        };
    }

    private static async Task MarkPromiseBrokenAsync(ChaseDbContext db, long promiseId, string number, DateTime at,
        CancellationToken cancellationToken)
    {
        var promise = await db.PaymentPromises.SingleAsync(p => p.Id == promiseId, cancellationToken);
        promise.Kept = false;
        db.AuditEntries.Add(new AuditEntry
        {
            At = at, Actor = "chase", Action = "promise.broken", Subject = number, Details = $"promised for {promise.PromisedFor:yyyy-MM-dd}",
        });
    }

    /// <summary>The steps one client's chase decided, and their audit entries, written together at the end.</summary>
    private sealed class StepRecorder
    {
        private readonly List<ChaseStepRecord> _steps = [];
        private readonly List<AuditEntry> _audit = [];

        public void Step(ChasedInvoice invoice, ChaseDecision decision, StepOutcome outcome, DateOnly today, DateTime at)
        {
            var reason = decision.Reason.Length > 500 ? decision.Reason[..500] : decision.Reason;
            _steps.Add(new ChaseStepRecord
            {
                InvoiceId = invoice.View.Id, Step = decision.Step!, Outcome = outcome, Reason = reason, Day = today, At = at,
            });
            _audit.Add(new AuditEntry
            {
                At = at, Actor = "chase", Action = $"step.{outcome.ToString().ToLowerInvariant()}", Subject = invoice.View.Number,
                Details = $"{decision.Step}: {reason}",
            });
        }

        public async Task WriteAsync(ChaseDbContext db, CancellationToken cancellationToken)
        {
            await BulkInsert.InsertAsync(db, _steps, cancellationToken);
            await BulkInsert.InsertAsync(db, _audit, cancellationToken);
        }
    }

    internal static void Enqueue(ChaseDbContext db, string key, string kind, string target, ChatMessage message, DateTime at,
        DateTime notBefore, Audience audience = Audience.Channel) =>
        db.Outbox.Add(new OutboxMessage
        {
            Key = key.Length > 300 ? key[..240] + ":" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(key)))[..16] : key,
            Kind = kind, Audience = audience, Target = target, Body = message.ToJson(), CreatedAt = at, NotBefore = notBefore,
        });
}
