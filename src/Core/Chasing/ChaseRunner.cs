using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChaseBot.Core.Chasing;

/// <summary>One line of `plan`: what the chase would do to an invoice (or a case), and when its message would go out.</summary>
/// <param name="Invoice">The invoice, or for a case's rung the oldest overdue invoice it covers.</param>
/// <param name="Invoices">Every invoice the step covers: one for a reminder, all the case's for a rung.</param>
public sealed record PlanEntry(string Invoice, string Client, string? Step, string Kind, string Reason, DateTimeOffset? SendAt,
    IReadOnlyList<string> Invoices);

public sealed record ChaseRunSummary(DateOnly Day, int Reminders, int Proposals, int Notes, int Skipped, int Held, int Thanks, int Conflicts,
    int Waiting = 0)
{
    public int Messages => Reminders + Proposals + Notes + Thanks;
}

/// <summary>
/// A chase run: for every client with outstanding invoices, decide (CasePolicy over each case, ChasePolicy over each
/// invoice's reminders) and record the decisions with the messages they cause in one transaction. The unique keys on
/// steps, case rungs and outbox rows make a second run, a rerun after a crash, or a second Worker racing this one a
/// no-op for whatever was already decided.
/// </summary>
public sealed class ChaseRunner(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings settings, TimeProvider clock,
    ILogger<ChaseRunner>? log = null, Microsoft.Extensions.Options.IOptions<Email.EmailOptions>? email = null)
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
        // Fresh before deciding: a waiting proposal whose invoices were paid or put on hold since is withdrawn, so this
        // run can put the case again with today's invoices and figures.
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await ProposalWithdrawal.WithdrawStaleAsync(db, settings.Ladder, today, now.UtcDateTime, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        var (admitted, waiting) = await AdmitNewProposalsAsync(today, cancellationToken);
        var totals = new int[7];
        await foreach (var chase in ChasesAsync(today, cancellationToken))
        {
            var counts = await ApplyAsync(chase, today, now, admitted, cancellationToken);
            for (var i = 0; i < counts.Length; i++)
                totals[i] += counts[i];
        }
        var closed = await CaseClosures.CloseSettledAsync(dbFactory, settings, today, now, cancellationToken);
        var thanks = await PaidThanks.SendAsync(dbFactory, settings, today, now, cancellationToken);
        return new ChaseRunSummary(today, totals[0], totals[1] + closed, totals[2], totals[3], totals[4], thanks, totals[6], waiting);
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
        var (admitted, _) = await AdmitNewProposalsAsync(today, cancellationToken);
        var entries = new List<PlanEntry>();
        static (string Kind, bool Posts) Kind(ChaseDecision d) => d.Kind switch
        {
            DecisionKind.Nudge => ("nudge", true),
            DecisionKind.Proposal or DecisionKind.Resurface => ("proposal", true),
            DecisionKind.GuardNote or DecisionKind.BrokenPromiseNote => ("skip", true),
            _ => ("skip", false),
        };
        await foreach (var chase in ChasesAsync(today, cancellationToken))
            foreach (var (chased, decided) in Decide(chase, today, admitted))
            {
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
            }
        return entries;
    }

    /// <summary>Cases due a new proposal on <paramref name="day"/>: how many the next run would post, and how many would wait after it.</summary>
    public async Task<(int NextRun, int Later)> CatchUpAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var (admitted, waiting) = await AdmitNewProposalsAsync(day, cancellationToken);
        return (admitted.Count, waiting);
    }

    /// <summary>
    /// Catch-up without a flood: of the cases that would get a new proposal today, the Chase:MaxNewProposalsPerRun with the
    /// most overdue (then the oldest) get one; the rest wait for a later run. Proposals brought back are not counted.
    /// </summary>
    private async Task<(HashSet<(long Client, string Currency)> Admitted, int Waiting)> AdmitNewProposalsAsync(DateOnly today,
        CancellationToken cancellationToken)
    {
        var candidates = new List<(long Client, string Currency, decimal Overdue, DateOnly Oldest)>();
        await foreach (var chase in ChasesAsync(today, cancellationToken))
            foreach (var c in chase.Cases)
            {
                var decided = CasePolicy.Decide(c.Situation, today, settings.Ladder, settings.MinDaysBetweenSteps, settings.GraceDays);
                if (decided.Proposal?.Kind == DecisionKind.Proposal)
                    candidates.Add((chase.Client.Id, c.Currency,
                        c.Invoices.Where(i => decided.Covered.Any(d => d.InvoiceId == i.View.Id)).Sum(i => i.View.AmountDue),
                        decided.Covered.Min(i => i.DueDate)));
            }
        var admitted = candidates.OrderByDescending(c => c.Overdue).ThenBy(c => c.Oldest).ThenBy(c => c.Client)
            .Take(settings.MaxNewProposalsPerRun).Select(c => (c.Client, c.Currency)).ToHashSet();
        return (admitted, candidates.Count - admitted.Count);
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
            var decided = CasePolicy.Decide(c.Situation, today, settings.Ladder, settings.MinDaysBetweenSteps, settings.GraceDays);
            if (decided.Proposal is { Kind: DecisionKind.Proposal } proposal && !admitted.Contains((chase.Client.Id, c.Currency)))
            {
                var held = new ChaseDecision(proposal.Step, DecisionKind.Hold,
                    $"{WaitingItsTurn}: at most {Text.Counted.Of(settings.MaxNewProposalsPerRun, "new proposal")} a run (Chase:MaxNewProposalsPerRun), the most overdue first");
                // Its invoices are the case's all the same: no reminder beside the notice that is waiting its turn.
                decided = new CaseDecisions([held], [], decided.Invoices);
            }
            yield return (c, decided);
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
    private async Task<int[]> ApplyAsync(ClientChase chase, DateOnly today, DateTimeOffset now,
        IReadOnlySet<(long Client, string Currency)> admitted, CancellationToken cancellationToken)
    {
        var counts = new int[7];
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
        try
        {
            foreach (var (chased, decided) in Decide(chase, today, admitted))
            {
                var opened = chased.CaseId is null && decided.Rungs.Any(d => d.Kind is not DecisionKind.Hold)
                    ? OpenCase(db, client, chased.Currency, today, at)
                    : null;
                needIds |= opened is not null;
                var caseView = CaseView.From(client, chased, decided.Covered.Select(i => i.InvoiceId));
                foreach (var decision in decided.Rungs)
                {
                    var step = decision.Step is null ? null : settings.Ladder.Find(decision.Step);
                    switch (decision.Kind)
                    {
                        case DecisionKind.Hold:
                            counts[4]++;
                            break;
                        case DecisionKind.Skip:
                            record.Rung(chased.CaseId, opened, client, chased.Currency, decision, StepOutcome.Skipped, today, at);
                            counts[3]++;
                            break;
                        case DecisionKind.GuardNote:
                            record.Rung(chased.CaseId, opened, client, chased.Currency, decision, StepOutcome.Skipped, today, at);
                            var (guardStep, guardReason, guardCase) = (step!, decision.Reason, chased);
                            var guardView = CaseView.From(client, chased, CasePolicy.Chaseable(chased.Situation.Invoices, today).Select(i => i.InvoiceId));
                            messages.Add(() => Enqueue(db, $"guard:case-{guardCase.CaseId ?? opened!.Id}:{guardStep.Id}", "guard-note", client.Channel,
                                ChaseMessages.GuardNote(guardView, guardStep, guardReason), at, notBefore));
                            counts[2]++;
                            break;
                        case DecisionKind.Proposal:
                        case DecisionKind.Resurface:
                            needIds = true;
                            messages.Add(await ProposeAsync(db, record, chased, opened, caseView, decided, step!, decision, today, at, notBefore,
                                cancellationToken));
                            counts[1]++;
                            break;
                    }
                }
                foreach (var (situation, decisions) in decided.Invoices)
                {
                    var invoice = invoices[situation.InvoiceId];
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
                            case DecisionKind.BrokenPromiseNote:
                                var (broken, brokenReason) = (invoice, decision.Reason);
                                messages.Add(() => Enqueue(db, $"promise-broken:{broken.OpenPromiseId}", "promise-broken", client.Channel,
                                    ChaseMessages.BrokenPromise(client, broken.View, brokenReason), at, notBefore));
                                counts[2]++;
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
                var key = $"reminder:{client.Id}:{today:yyyy-MM-dd}:{string.Join(',', reminders.Select(r => $"{r.Invoice.Id}-{r.Step.Id}"))}";
                var reminder = ChaseMessages.Reminders(client, reminders, today, settings.SenderName);
                // Email:SendReminders: ChaseBot sends the draft itself, at the same allowed hour, through the outbox
                // (queued after the chat message, which it marks as sent once the server has taken it).
                var emailTo = _email is { Enabled: true, SendReminders: true } && reminder.Email is not null ? Email.EmailAddresses.Valid(client.BillingEmail) : null;
                if (emailTo is not null)
                    reminder = reminder with { Lines = [.. reminder.Lines, $"ChaseBot emails this to {emailTo}" + (reminder.Email!.Cc is null ? "" : $" (cc {reminder.Email.Cc})") + " itself."] };
                Enqueue(db, key, "reminder", client.Channel, reminder, at, notBefore);
                if (emailTo is not null)
                    Enqueue(db, OutboxDrainer.EmailKeyPrefix + key, "email", Email.EmailPlatform.TargetPrefix + emailTo,
                        new ChatMessage { Title = client.Name, Email = reminder.Email! with { To = emailTo }, FailuresTo = client.Channel }, at,
                        client.NextAllowedForClient(settings.Calendar, now).UtcDateTime);
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
            return [0, 0, 0, 0, 0, 0, 1];
        }
    }

    private static CollectionCase OpenCase(ChaseDbContext db, ClientView client, string currency, DateOnly today, DateTime at)
    {
        var opened = new CollectionCase { ClientId = client.Id, Currency = currency, OpenedOn = today, OpenedAt = at };
        db.Cases.Add(opened);
        db.AuditEntries.Add(new AuditEntry { At = at, Actor = "chase", Action = "case.opened", Subject = client.Name, Details = currency });
        return opened;
    }

    /// <summary>Records the case's proposal (or brings it back); returns what posts it, to run once the proposal has its id.</summary>
    private async Task<Action> ProposeAsync(ChaseDbContext db, StepRecorder record, ChasedCase chased, CollectionCase? opened, CaseView view,
        CaseDecisions decided, LadderStep step, ChaseDecision decision, DateOnly today, DateTime at, DateTime notBefore,
        CancellationToken cancellationToken)
    {
        Proposal proposal;
        var lead = view.Overdue[0];
        var resurfaced = decision.Kind == DecisionKind.Resurface;
        string? back = null;
        if (resurfaced)
        {
            proposal = await db.Proposals.Include(p => p.Covers)
                .Where(p => p.CaseId == chased.CaseId && p.Step == step.Id).OrderByDescending(p => p.Id).FirstAsync(cancellationToken);
            back = proposal.Status == ProposalStatus.Snoozed ? "Back from snooze" : "Proposal, updated";
            proposal.Status = ProposalStatus.Pending;
            proposal.Resurfaced++;
            proposal.SnoozedUntil = null;
            proposal.Reason = null;
            proposal.Covers.Clear();
        }
        else
        {
            record.Rung(chased.CaseId, opened, view.Client, chased.Currency, decision, StepOutcome.Proposed, today, at);
            proposal = new Proposal
            {
                InvoiceId = lead.Id, CaseId = chased.CaseId, Case = opened, Step = step.Id, Status = ProposalStatus.Pending,
                ProposedOn = today, ProposedAt = at,
            };
            db.Proposals.Add(proposal);
        }
        foreach (var invoice in view.Overdue)
            proposal.Covers.Add(new ProposalInvoice { InvoiceId = invoice.Id });
        return () =>
        {
            var artifact = EscalationArtifacts.For(step.Id, view, today, settings.Ladder, settings.SenderName);
            Enqueue(db, $"proposal:{proposal.Id}:{proposal.Resurfaced}", "proposal", view.Client.Channel,
                ChaseMessages.Proposal(proposal.Id, view, step, decision.Reason, artifact, back), at, notBefore);
            db.AuditEntries.Add(new AuditEntry
            {
                At = at, Actor = "chase", Action = resurfaced ? "proposal.resurfaced" : "proposal.created", Subject = view.Client.Name,
                Details = $"{step.Id} ({string.Join(", ", view.Overdue.Select(i => i.Number))}): {decision.Reason}",
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
        private readonly List<(long? CaseId, CollectionCase? Opened, CaseStepRecord Rung)> _rungs = [];

        /// <summary>A rung of the case; a case opened in this run gets its id before the rungs are written.</summary>
        public void Rung(long? caseId, CollectionCase? opened, ClientView client, string currency, ChaseDecision decision, StepOutcome outcome,
            DateOnly today, DateTime at)
        {
            var reason = decision.Reason.Length > 500 ? decision.Reason[..500] : decision.Reason;
            _rungs.Add((caseId, opened, new CaseStepRecord { Step = decision.Step!, Outcome = outcome, Reason = reason, Day = today, At = at }));
            _audit.Add(new AuditEntry
            {
                At = at, Actor = "chase", Action = $"case.{outcome.ToString().ToLowerInvariant()}", Subject = client.Name,
                Details = $"{decision.Step} ({currency}): {reason}",
            });
        }

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
            foreach (var (caseId, opened, rung) in _rungs)
                rung.CaseId = caseId ?? opened!.Id;
            await BulkInsert.InsertAsync(db, _rungs.Select(r => r.Rung).ToList(), cancellationToken);
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
