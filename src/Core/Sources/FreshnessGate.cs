using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources.Stripe;
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
public sealed class FreshnessGate(IDbContextFactory<ChaseDbContext> dbFactory, ConnectedSources sources, StripeSource stripe,
    IOptions<SourcesOptions> options, Chasing.ChaseSettings settings, TimeProvider clock, ILogger<FreshnessGate> log) : ISendGate
{
    public async Task<GateVerdict> CheckAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        if (new ChatTarget(message.Target).Platform != TargetPlatform.Email || OutboxKey.ChatMessageOf(message.Key) is not { } chatKey)
            return GateVerdict.Send;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var named = await NamedAsync(db, chatKey, cancellationToken);
        if (named.Count == 0)
            return GateVerdict.Send; // a receipt, a note: it claims nothing is owed

        var now = clock.GetUtcNow().UtcDateTime;
        var retry = now + options.Value.SyncEvery;
        var invoices = await db.Invoices.AsNoTracking().Where(i => named.Contains(i.Id)).ToListAsync(cancellationToken);
        var fromStripe = invoices.Where(i => i.Source == StripeSource.Name && sources.IsConnected(StripeSource.Name)).ToList();
        if (fromStripe.Count > 0)
        {
            var ids = fromStripe.Where(i => i.SourceId is not null).Select(i => i.SourceId!).ToList();
            try
            {
                if (ids.Count > 0 && (await stripe.RefreshAsync(ids, "check before sending", cancellationToken)).Failed)
                    return new GateVerdict.Hold(retry, $"Stripe's answer for {Numbers(fromStripe)} could not be written to check it before sending");
            }
            catch (Exception e) when (e is global::Stripe.StripeException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                log.LogWarning("Holding {Key}: Stripe could not be read to check {Invoices} ({Error})", message.Key, Numbers(fromStripe), e.GetType().Name);
                return new GateVerdict.Hold(retry, $"Stripe could not be read to check {Numbers(fromStripe)} before sending; tried again at the next sync");
            }
            // An invoice Stripe has no id for here was never listed by a sync: only a recent sync vouches that it is as the ledger says.
            if (ids.Count < fromStripe.Count && (await sources.StatesAsync(cancellationToken)).Single(s => s.Source == StripeSource.Name).Stale)
                return new GateVerdict.Hold(retry, $"Stripe was last synced more than {options.Value.MaxStaleness.TotalHours:0} hours ago, " +
                                                   $"too long to vouch for {Numbers(fromStripe.Where(i => i.SourceId is null).ToList())}");
            invoices = await db.Invoices.AsNoTracking().Where(i => named.Contains(i.Id)).ToListAsync(cancellationToken);
        }

        // Still owed as written, and still to be chased: not settled, not gone from the books, not disputed, snoozed or
        // paused since, and nothing about it changed after the email was written.
        var today = settings.Calendar.Today(clock.GetUtcNow());
        var disputed = await db.Disputes.AsNoTracking().Where(d => named.Contains(d.InvoiceId) && d.ResolvedAt == null && d.OpenedAt > message.CreatedAt)
            .Select(d => d.InvoiceId).ToListAsync(cancellationToken);
        var clientIds = invoices.Select(i => i.ClientId).Distinct().ToList();
        var paused = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id) && c.IsPaused && (c.PausedUntil == null || c.PausedUntil > today))
            .Select(c => c.Id).ToListAsync(cancellationToken);
        var changed = invoices.Select(i => (i.Number, What: What(i, message.CreatedAt, today, disputed.Contains(i.Id), paused.Contains(i.ClientId))))
            .Where(c => c.What is not null).ToList();
        if (changed.Count == 0)
            return GateVerdict.Send;
        return new GateVerdict.Withdraw(string.Join("; ", changed.Select(c => $"{c.Number} {c.What}")) + " since it was written");
    }

    private static string? What(Invoice invoice, DateTime written, DateOnly today, bool disputed, bool paused) => invoice switch
    {
        { Status: InvoiceStatus.Paid } => "was paid",
        { Status: InvoiceStatus.Void } => "was voided",
        { Status: InvoiceStatus.Draft } => "went back to draft",
        { MissingSince: not null } => "is gone from the books",
        _ when disputed => "is disputed",
        { SnoozedUntil: { } until } when until > today => $"was snoozed until {until:d MMM}",
        _ when paused => "belongs to a client whose chasing was paused",
        { UpdatedAt: var updated } when updated > written => $"changed in the books (due now {invoice.Currency} {Exports.Parsing.Money.Format(invoice.AmountDue)})",
        _ => null,
    };

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
            var covered = await db.ProposalInvoices.AsNoTracking().Where(c => c.ProposalId == proposalId).Select(c => c.InvoiceId).ToListAsync(cancellationToken);
            var own = await db.Proposals.AsNoTracking().Where(p => p.Id == proposalId).Select(p => p.InvoiceId).ToListAsync(cancellationToken);
            return [.. covered.Union(own)];
        }
        return [];
    }
}
