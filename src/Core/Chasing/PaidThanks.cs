using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// When an invoice that was being chased is settled (by an export or a logged payment), the chase stops: proposals
/// from before collection cases are withdrawn (a case's own are judged by the run), open promises count as kept, the
/// owner gets a short, private well-done, and the channel a thank-you and receipt for the client: emailed by ChaseBot
/// when it emails reminders (Email:SendReminders), else a draft to send.
/// </summary>
public static class PaidThanks
{
    public const string Step = "paid";

    public static async Task<int> SendAsync(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings settings, DateOnly today,
        DateTimeOffset now, CancellationToken cancellationToken, Email.EmailOptions? email = null, LatePayment.LateCharges? lateCharges = null)
    {
        var sent = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var settled = await StoppedChases.NotYetStopped(db, InvoiceStatus.Paid, Step).Include(i => i.Payments).ToListAsync(cancellationToken);
            if (settled.Count == 0)
                return sent;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var at = now.UtcDateTime;
            var notBefore = settings.Calendar.NextAllowed(now).UtcDateTime;
            foreach (var invoice in settled)
            {
                var stillOverdue = await StoppedChases.StopAsync(db, settings, invoice, Step, "paid", today, at, cancellationToken);
                await db.PaymentPromises.Where(p => p.InvoiceId == invoice.Id && p.Kept == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.Kept, true), cancellationToken);
                var client = ClientView.From(invoice.Client, settings);
                if (client.OwnerKnown) // nobody to thank privately until an owner is set; the channel's receipt still goes
                    OutboxQueue.Add(db, OutboxKey.Thanks(invoice.Id), OutboxKinds.Thanks, client.Owner,
                        ChaseMessages.Thanks(client, invoice.Number, stillOverdue.Count), at, notBefore, Audience.Direct);
            }
            foreach (var byClient in settled.GroupBy(i => i.ClientId))
            {
                var client = ClientView.From(byClient.First().Client, settings);
                var paid = byClient.Select(i => (InvoiceView.From(i, today), i.Payments.Count == 0 ? (DateOnly?)null : i.Payments.Max(p => p.PaidOn)))
                    .ToList();
                // A thank-you that says the chase has stopped must be true of the whole client, not just these invoices.
                var remaining = (await db.Invoices.AsNoTracking().Outstanding().Where(i => i.ClientId == byClient.Key && i.DueDate < today)
                    .OrderBy(i => i.DueDate).ToListAsync(cancellationToken)).Select(i => InvoiceView.From(i, today)).ToList();
                var key = OutboxKey.Receipt(byClient.Select(i => i.Id));
                var claimed = lateCharges is null ? null : await ClaimedAsync(db, lateCharges, byClient.First().Client, [.. byClient.Select(i => i.Id)], paid, today, cancellationToken);
                var receipt = EscalationArtifacts.Receipt(client, paid, settings.SenderName, remaining, claimed);
                var message = ChaseMessages.Receipt(client, paid.Count, receipt, remaining);
                var to = email is { Enabled: true, SendReminders: true } ? Email.EmailAddresses.Valid(client.BillingEmail) : null;
                if (to is not null && Email.EmailAddresses.ClientEmailIn(receipt) is var (subject, body))
                {
                    // Not a draft: a thank-you is not chasing, so it is not counted as contact in later texts.
                    message = ChaseMessages.ToBeEmailed(message with { Lines = [.. message.Lines.Select(ChaseMessages.ReceiptSentByChaseBot)] },
                        to, client.CcAddresses, "the receipt");
                    OutboxQueue.Add(db, OutboxKey.EmailOf(key), OutboxKinds.Email, ChatTarget.Email(to), new ChatMessage
                    {
                        Title = client.Name, Email = new EmailDraft(to, client.CcAddresses, subject, body), FailuresTo = client.Channel,
                    }, at, client.NextAllowedForClient(settings.Calendar, now).UtcDateTime);
                }
                OutboxQueue.Add(db, key, OutboxKinds.Receipt, client.Channel, message, at, notBefore);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            sent += settled.Count;
        }
    }

    /// <summary>
    /// The charges still claimed on these paid invoices: only those a final notice named and an approver then claimed
    /// (/chase interest &lt;client&gt; claim), worked out to the day each was paid. Null when none were claimed.
    /// </summary>
    private static async Task<string?> ClaimedAsync(ChaseDbContext db, LatePayment.LateCharges charges, Client client, IReadOnlyList<long> paidIds,
        IReadOnlyList<(InvoiceView Invoice, DateOnly? PaidOn)> paid, DateOnly today, CancellationToken cancellationToken)
    {
        var claimedIds = await db.ProposalInvoices.AsNoTracking()
            .Where(c => paidIds.Contains(c.InvoiceId) && db.Proposals.Any(p => p.Id == c.ProposalId && p.Step == ChaseLadder.FinalNotice &&
                                                                           p.Status == ProposalStatus.Approved && p.Case!.ChargesClaimedOn != null))
            .Select(c => c.InvoiceId).Distinct().ToListAsync(cancellationToken);
        if (claimedIds.Count == 0)
            return null;
        var paidOn = paid.Where(p => claimedIds.Contains(p.Invoice.Id)).Select(p => p.PaidOn ?? today).Max();
        var results = await charges.ForClientAsync(db, client, paidOn, claimedIds, cancellationToken);
        var sentences = results.GroupBy(r => r.Currency)
            .Select(g => LatePayment.LateChargesText.StillClaimed(new LatePayment.ChargesToDate(g.Key, LatePayment.LateCharges.BasisFor(client), [.. g]), paidOn))
            .Where(s => s.Length > 0).ToList();
        return sentences.Count == 0 ? null : string.Join("\n", sentences);
    }
}
