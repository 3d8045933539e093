using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>The runner's writes for a case: opening it, recording its proposal, and the rungs and steps it decided.</summary>
public sealed partial class ChaseRunner
{
    private static CollectionCase OpenCase(ChaseDbContext db, StepRecorder record, ClientView client, string currency, DateOnly today, DateTime at)
    {
        var opened = new CollectionCase { ClientId = client.Id, Currency = currency, OpenedOn = today, OpenedAt = at };
        db.Cases.Add(opened);
        record.Audit(new AuditEntry { At = at, Actor = "chase", Action = AuditActions.CaseOpened, Subject = client.Name, Details = currency });
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
            proposal.PutOn = today;
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
        record.Covers(proposal, view.Overdue.Select(i => i.Id));
        var history = await Reports.CollectionFigures.ClientSentenceAsync(db, view.Client.Id, view.Client.Name, today, cancellationToken);
        if (lateCharges is not null)
            view = await lateCharges.AttachAsync(db, view, step, settings.Ladder, today, cancellationToken);
        return () =>
        {
            var artifact = EscalationArtifacts.For(step.Id, view, today, settings.Ladder, settings.SenderName, settings.GraceDays);
            OutboxQueue.Add(db, OutboxKey.Proposal(proposal.Id, proposal.Resurfaced), OutboxKinds.Proposal, view.Client.Channel,
                ChaseMessages.Proposal(proposal.Id, view, step, decision.Reason, artifact, back,
                    ChaseMessages.Told(view, step, settings.Ladder, settings.GraceDays), history), at, notBefore);
            record.Audit(new AuditEntry
            {
                At = at, Actor = "chase", Action = resurfaced ? AuditActions.ProposalResurfaced : AuditActions.ProposalCreated, Subject = view.Client.Name,
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
            At = at, Actor = "chase", Action = AuditActions.PromiseBroken, Subject = number, Details = $"promised for {promise.PromisedFor:yyyy-MM-dd}",
        });
    }

    /// <summary>
    /// The steps, rungs, covered invoices and audit entries one client's chase decided, written together at the end
    /// (through <see cref="BulkInsert"/>: a first run on a ledger nobody has chased writes about a row an invoice).
    /// </summary>
    private sealed class StepRecorder
    {
        private readonly List<ChaseStepRecord> _steps = [];
        private readonly List<AuditEntry> _audit = [];
        private readonly List<(long? CaseId, CollectionCase? Opened, CaseStepRecord Rung)> _rungs = [];
        private readonly List<(Proposal Proposal, long InvoiceId)> _covers = [];

        public void Audit(AuditEntry entry) => _audit.Add(entry);

        /// <summary>The invoices a proposal is about; a new proposal gets its id before they are written.</summary>
        public void Covers(Proposal proposal, IEnumerable<long> invoiceIds) => _covers.AddRange(invoiceIds.Select(id => (proposal, id)));

        /// <summary>A rung of the case; a case opened in this run gets its id before the rungs are written.</summary>
        public void Rung(long? caseId, CollectionCase? opened, ClientView client, string currency, ChaseDecision decision, StepOutcome outcome,
            DateOnly today, DateTime at)
        {
            var reason = decision.Reason.Length > 500 ? decision.Reason[..500] : decision.Reason;
            _rungs.Add((caseId, opened, new CaseStepRecord { Step = decision.Step!, Outcome = outcome, Reason = reason, Day = today, At = at }));
            _audit.Add(new AuditEntry
            {
                At = at, Actor = "chase", Action = AuditActions.Case(outcome), Subject = client.Name,
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
            await BulkInsert.InsertAsync(db, _covers.Select(c => new ProposalInvoice { ProposalId = c.Proposal.Id, InvoiceId = c.InvoiceId }).ToList(),
                cancellationToken);
            await BulkInsert.InsertAsync(db, _steps, cancellationToken);
            await BulkInsert.InsertAsync(db, _audit, cancellationToken);
        }
    }
}
