using ChaseBot.Core.Delivery;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Sources;

/// <summary>
/// The check before every client email: the invoices it names are read again from their connected source (Stripe), and
/// the email goes only if each is still owed as it was when the email was written. A payment that arrived since, in the
/// books or logged in chat, withdraws it; a source that cannot be read, or was last synced longer ago than
/// Sources:MaxStaleness, holds it until it can be checked. Invoices from exports only are checked against the ledger.
/// </summary>
public sealed class FreshnessGate(IDbContextFactory<ChaseDbContext> dbFactory, ConnectedSources sources,
    IOptions<SourcesOptions> options, Chasing.ChaseSettings settings, TimeProvider clock, ILogger<FreshnessGate> log) : ISendGate
{
    public async Task<GateVerdict> CheckAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        if (message.Kind == OutboxKinds.Proposal && message.Replaces is null && OutboxKey.ProposalOf(message.Key) is { } proposalId)
            return await CheckProposalAsync(message, proposalId, cancellationToken);
        if (new ChatTarget(message.Target).Platform != TargetPlatform.Email || OutboxKey.ChatMessageOf(message.Key) is not { } chatKey)
            return GateVerdict.Send;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var named = await NamedAsync(db, chatKey, cancellationToken);
        if (named.Count == 0)
            return GateVerdict.Send; // a receipt, a note: it claims nothing is owed
        if (await ReadAgainAsync(db, message, named, cancellationToken) is { } hold)
            return hold;

        // Still owed as written, and still to be chased: not settled, disputed, promised, snoozed or paused, not gone from
        // the books, and nothing about it changed after the email was written.
        var today = settings.Calendar.Today(clock.GetUtcNow());
        var invoices = await Judged(db).Where(i => named.Contains(i.Id)).ToListAsync(cancellationToken);
        var why = invoices.OrderBy(i => i.DueDate).Select(i => Chasing.ProposalWithdrawal.Reason(i, today) ?? Changed(i, message.CreatedAt))
            .FirstOrDefault(r => r is not null);
        return why is null ? GateVerdict.Send : new GateVerdict.Withdraw(why);
    }

    /// <summary>
    /// A proposal's card, about to be put to an approver: its invoices read again first, and a proposal that no longer
    /// stands withdrawn (as a payment logged in chat would) instead of asking anyone to decide it.
    /// </summary>
    private async Task<GateVerdict> CheckProposalAsync(OutboxMessage message, long proposalId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var named = await ProposalInvoicesAsync(db, proposalId, cancellationToken);
        if (named.Count == 0)
            return GateVerdict.Send;
        if (await ReadAgainAsync(db, message, named, cancellationToken) is { } hold)
            return hold;
        var proposal = await Chasing.ProposalWithdrawal.Judged(db).SingleOrDefaultAsync(p => p.Id == proposalId, cancellationToken);
        if (proposal is not { Status: ProposalStatus.Pending })
            return GateVerdict.Rewritten; // decided or withdrawn meanwhile (the read above may have withdrawn it): its row says so now
        if (Chasing.ProposalWithdrawal.Reason(proposal, settings.Calendar.Today(clock.GetUtcNow())) is not { } why)
            return GateVerdict.Send;
        await Chasing.ProposalWithdrawal.WithdrawAsync(db, settings.Ladder, proposal, why, clock.GetUtcNow().UtcDateTime, "chase", cancellationToken,
            updatePosted: false);
        await db.SaveChangesAsync(cancellationToken);
        return GateVerdict.Rewritten; // the card now says it was withdrawn, and why, with no buttons: posted so
    }

    /// <summary>The invoices read again from each connected source they came from; a hold when that cannot be done or vouched for.</summary>
    private async Task<GateVerdict.Hold?> ReadAgainAsync(ChaseDbContext db, OutboxMessage message, List<long> named, CancellationToken cancellationToken)
    {
        if (!sources.AnyConnected)
            return null;
        var retry = clock.GetUtcNow().UtcDateTime + options.Value.SyncEvery;
        var invoices = await db.Invoices.AsNoTracking().Where(i => named.Contains(i.Id)).ToListAsync(cancellationToken);
        foreach (var group in invoices.GroupBy(i => i.Source))
        {
            if (sources.Find(group.Key) is not { Configured: true } source)
                continue; // from exports only: the ledger is all there is to check
            var fromSource = group.ToList();
            var ids = fromSource.Where(i => i.SourceId is not null).Select(i => i.SourceId!).ToList();
            try
            {
                if (ids.Count > 0 && (await source.RefreshAsync(ids, "check before sending", cancellationToken)).Failed)
                    return new GateVerdict.Hold(retry, $"{source.DisplayName}'s answer for {Numbers(fromSource)} could not be written to check it before sending");
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && source.Explain(e) is not null)
            {
                log.LogWarning("Holding {Key}: {Source} could not be read to check {Invoices} ({Error})", message.Key, source.DisplayName,
                    Numbers(fromSource), e.GetType().Name);
                return new GateVerdict.Hold(retry, $"{source.DisplayName} could not be read to check {Numbers(fromSource)} before sending; tried again at the next sync");
            }
            // An invoice the source has no id for here was never listed by a sync: only a recent sync vouches that it is as the ledger says.
            if (ids.Count < fromSource.Count && (await sources.StatesAsync(cancellationToken)).Single(s => s.Source == source.Name).Stale)
                return new GateVerdict.Hold(retry, $"{source.DisplayName} was last synced more than {options.Value.MaxStaleness.TotalHours:0} hours ago, " +
                                                   $"too long to vouch for {Numbers(fromSource.Where(i => i.SourceId is null).ToList())}");
        }
        return null;
    }

    private static IQueryable<Invoice> Judged(ChaseDbContext db) => db.Invoices.AsNoTracking()
        .Include(i => i.Client).Include(i => i.Payments).Include(i => i.Disputes).Include(i => i.Promises).AsSplitQuery();

    private static string? Changed(Invoice invoice, DateTime written) =>
        invoice.MissingSince is not null ? $"{invoice.Number} is gone from the books"
        : invoice.UpdatedAt > written ? $"{invoice.Number} changed in the books since it was written (due now {invoice.Currency} {Exports.Parsing.Money.Format(invoice.AmountDue)})"
        : null;

    private static string Numbers(IReadOnlyList<Invoice> invoices) =>
        invoices.Count <= 3 ? string.Join(", ", invoices.Select(i => i.Number)) : $"{invoices[0].Number} and {invoices.Count - 1} more invoices";

    /// <summary>The invoices an email's chat message names: a reminder's, from its key; an approved notice's, from its proposal.</summary>
    private static async Task<List<long>> NamedAsync(ChaseDbContext db, OutboxKey chatKey, CancellationToken cancellationToken)
    {
        if (OutboxKey.Reminded(chatKey) is var (clientId, invoices))
            return invoices.Count > 0
                ? [.. invoices]
                : await db.Invoices.AsNoTracking().Where(i => i.ClientId == clientId).Outstanding().Select(i => i.Id).ToListAsync(cancellationToken);
        if (OutboxKey.ApprovedProposal(chatKey) is { } proposalId)
        {
            // "Your access is restored" follows a payment: it asks for nothing, so a settled invoice is no reason to hold it back.
            if (await db.Proposals.AsNoTracking().AnyAsync(p => p.Id == proposalId && p.Step == Chasing.ChaseLadder.RestoreAccess, cancellationToken))
                return [];
            return await ProposalInvoicesAsync(db, proposalId, cancellationToken);
        }
        return [];
    }

    private static async Task<List<long>> ProposalInvoicesAsync(ChaseDbContext db, long proposalId, CancellationToken cancellationToken)
    {
        var covered = await db.ProposalInvoices.AsNoTracking().Where(c => c.ProposalId == proposalId).Select(c => c.InvoiceId).ToListAsync(cancellationToken);
        var own = await db.Proposals.AsNoTracking().Where(p => p.Id == proposalId).Select(p => p.InvoiceId).ToListAsync(cancellationToken);
        return [.. covered.Union(own)];
    }
}
