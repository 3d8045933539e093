using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Exports;

/// <summary>What writing one batch did.</summary>
public sealed record BatchOutcome(int Created, int Updated, int Unchanged, List<RejectedRow> Rejected, List<string> Notes);

/// <summary>
/// Upserts a batch of invoices, as one file states them, into the ledger (inside the import's transaction): creates clients
/// and invoices it has not seen, records what changed (and who changed it) in the audit history, and turns
/// an amount paid that went up into a payment.
/// </summary>
public sealed class LedgerWriter(ChaseDbContext db, ImportRun run, string source, string actor, DateOnly today, DateTime now)
{
    public async Task<BatchOutcome> WriteAsync(IReadOnlyList<InvoiceFacts> batch, List<RejectedRow> rejectedBefore,
        CancellationToken cancellationToken)
    {
        var rejected = new List<RejectedRow>(rejectedBefore);
        int created = 0, updated = 0, unchanged = 0;
        var clients = await ClientsFor(batch, cancellationToken);
        if (db.ChangeTracker.HasChanges())
            await db.SaveChangesAsync(cancellationToken); // new clients get their ids, which new invoices refer to
        var newInvoices = new List<Invoice>();
        var numbers = batch.Select(f => f.Number).ToList();
        // Untracked: most invoices in a re-import are unchanged, and tracking them all costs more than the comparison.
        // The few that change are attached before they are changed.
        var existing = await db.Invoices.AsNoTracking().Where(i => i.Source == source && numbers.Contains(i.Number))
            .ToDictionaryAsync(i => i.Number, StringComparer.Ordinal, cancellationToken);
        var untouched = new List<long>();
        var reappeared = new List<long>();
        var notes = new List<string>();
        var existingIds = existing.Values.Select(i => i.Id).ToList();
        var withLoggedPayments = (await db.Payments.Where(p => existingIds.Contains(p.InvoiceId) && p.Origin == PaymentOrigin.Logged)
            .Select(p => p.InvoiceId).Distinct().ToListAsync(cancellationToken)).ToHashSet();

        foreach (var stated in batch)
        {
            var facts = stated;
            var client = clients[Client.Normalize(facts.ClientName)];
            if (!existing.TryGetValue(facts.Number, out var invoice))
            {
                newInvoices.Add(NewInvoice(facts, client));
                Audit("invoice.created", facts.Number,
                    $"{client.Name}, {facts.Currency} {Money.Format(facts.Total)}, due {facts.DueDate:yyyy-MM-dd}, {facts.Status.ToWire()}");
                created++;
                continue;
            }
            if (invoice.LastImportRunId == run.Id)
            {
                // Rows of this invoice in an earlier batch of the same file: they must agree.
                if (Changes(invoice, facts, client).Count > 0)
                    rejected.Add(new RejectedRow
                    {
                        ImportRunId = run.Id,
                        Line = facts.FirstLine,
                        Reason = $"invoice {facts.Number} appears earlier in this file with different values; the first is kept",
                    });
                continue;
            }
            if (withLoggedPayments.Contains(invoice.Id) && facts.Paid < invoice.AmountPaid && facts.Currency == invoice.Currency && facts.Total == invoice.Total)
            {
                // A payment logged in chat that the accounting tool has not caught up with: keep it, never count it twice.
                notes.Add($"{facts.Number}: the export shows {Money.Format(facts.Paid)} paid but {Money.Format(invoice.AmountPaid)} was logged in chat; keeping the logged payment");
                facts = facts with { Paid = invoice.AmountPaid, Due = invoice.AmountDue, Status = invoice.Status };
            }
            var changes = Changes(invoice, facts, client);
            if (invoice.MissingSince is not null)
            {
                reappeared.Add(invoice.Id);
                Audit("invoice.reappeared", facts.Number, "listed again in the export");
            }
            if (changes.Count == 0)
            {
                // Remember the invoice was seen, with one set-based update for the whole batch.
                untouched.Add(invoice.Id);
                unchanged++;
                continue;
            }
            db.Invoices.Attach(invoice);
            RecordPaymentIfAny(invoice, facts);
            Apply(invoice, facts, client);
            Audit("invoice.updated", facts.Number, string.Join("; ", changes));
            updated++;
        }

        db.RejectedRows.AddRange(rejected);
        await db.SaveChangesAsync(cancellationToken);
        // New rows are most of a first import: one prepared INSERT each, not EF's batches (see BulkInsert).
        await BulkInsert.InsertAsync(db, newInvoices, cancellationToken);
        await BulkInsert.InsertAsync(db, _audit, cancellationToken);
        _audit.Clear();
        if (untouched.Count > 0)
            await db.Invoices.Where(i => untouched.Contains(i.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.LastImportRunId, run.Id), cancellationToken);
        if (reappeared.Count > 0)
            await db.Invoices.Where(i => reappeared.Contains(i.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.MissingSince, (DateTime?)null), cancellationToken);
        db.ChangeTracker.Clear();
        return new BatchOutcome(created, updated, unchanged, rejected, notes);
    }

    private async Task<Dictionary<string, Client>> ClientsFor(IReadOnlyList<InvoiceFacts> batch, CancellationToken cancellationToken)
    {
        var wanted = batch.GroupBy(f => Client.Normalize(f.ClientName)).ToDictionary(g => g.Key, g => g.First());
        // Clients seen in earlier batches of this file are remembered (untracked), so each is read once per import.
        var unknown = wanted.Keys.Where(k => !_clients.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            foreach (var found in await db.Clients.AsNoTracking().Where(c => unknown.Contains(c.NormalizedName)).ToListAsync(cancellationToken))
                _clients[found.NormalizedName] = found;
        var clients = wanted.Keys.Where(_clients.ContainsKey).ToDictionary(k => k, k => _clients[k]);
        foreach (var (key, facts) in wanted)
        {
            if (clients.TryGetValue(key, out var client))
            {
                if (client.BillingEmail is null && facts.Email is not null && facts.Email.Length <= 320)
                {
                    db.Clients.Attach(client);
                    client.BillingEmail = facts.Email;
                    client.UpdatedAt = now;
                    Audit("client.updated", client.Name, $"billing email {facts.Email}");
                }
                continue;
            }
            client = new Client
            {
                Name = facts.ClientName,
                NormalizedName = key,
                BillingEmail = facts.Email is { Length: <= 320 } email ? email : null,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Clients.Add(client);
            clients[key] = _clients[key] = client;
            Audit("client.created", client.Name, null);
        }
        return clients;
    }

    private Invoice NewInvoice(InvoiceFacts facts, Client client) => new()
    {
        Source = source,
        Number = facts.Number,
        ClientId = client.Id,
        IssueDate = facts.IssueDate,
        DueDate = facts.DueDate,
        Currency = facts.Currency,
        Total = facts.Total,
        AmountPaid = facts.Paid,
        AmountDue = facts.Due,
        Status = facts.Status,
        LastImportRunId = run.Id,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static List<string> Changes(Invoice invoice, InvoiceFacts facts, Client client)
    {
        var changes = new List<string>();
        if (invoice.ClientId != client.Id || client.Id == 0)
            changes.Add($"client → {client.Name}");
        if (invoice.IssueDate != facts.IssueDate && facts.IssueDate is not null)
            changes.Add($"issue date {invoice.IssueDate:yyyy-MM-dd} → {facts.IssueDate:yyyy-MM-dd}");
        if (invoice.DueDate != facts.DueDate)
            changes.Add($"due date {invoice.DueDate:yyyy-MM-dd} → {facts.DueDate:yyyy-MM-dd}");
        if (invoice.Currency != facts.Currency)
            changes.Add($"currency {invoice.Currency} → {facts.Currency}");
        if (invoice.Total != facts.Total)
            changes.Add($"total {Money.Format(invoice.Total)} → {Money.Format(facts.Total)}");
        if (invoice.AmountPaid != facts.Paid)
            changes.Add($"paid {Money.Format(invoice.AmountPaid)} → {Money.Format(facts.Paid)}");
        if (invoice.AmountDue != facts.Due)
            changes.Add($"due {Money.Format(invoice.AmountDue)} → {Money.Format(facts.Due)}");
        if (invoice.Status != facts.Status)
            changes.Add($"status {invoice.Status.ToWire()} → {facts.Status.ToWire()}");
        return changes;
    }

    /// <summary>An amount paid that went up between two exports is a payment the client made.</summary>
    private void RecordPaymentIfAny(Invoice invoice, InvoiceFacts facts)
    {
        if (facts.Currency != invoice.Currency || facts.Paid <= invoice.AmountPaid)
            return;
        var amount = facts.Paid - invoice.AmountPaid;
        db.Payments.Add(new Payment
        {
            InvoiceId = invoice.Id,
            Amount = amount,
            Currency = facts.Currency,
            PaidOn = today,
            Origin = PaymentOrigin.Export,
            ImportRunId = run.Id,
            RecordedBy = actor,
            RecordedAt = now,
        });
        Audit("payment.recorded", invoice.Number, $"{facts.Currency} {Money.Format(amount)} seen in the export");
    }

    private void Apply(Invoice invoice, InvoiceFacts facts, Client client)
    {
        invoice.ClientId = client.Id;
        invoice.IssueDate = facts.IssueDate ?? invoice.IssueDate;
        invoice.DueDate = facts.DueDate;
        invoice.Currency = facts.Currency;
        invoice.Total = facts.Total;
        invoice.AmountPaid = facts.Paid;
        invoice.AmountDue = facts.Due;
        invoice.Status = facts.Status;
        invoice.LastImportRunId = run.Id;
        invoice.UpdatedAt = now;
    }

    private readonly List<AuditEntry> _audit = [];
    private readonly Dictionary<string, Client> _clients = new(StringComparer.Ordinal);

    private void Audit(string action, string subject, string? details) =>
        _audit.Add(new AuditEntry { At = now, Actor = actor, Action = action, Subject = subject, Details = details });
}
