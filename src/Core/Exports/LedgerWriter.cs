using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Exports;

/// <summary>What writing one batch did.</summary>
/// <param name="Stale">Invoices left as they were because the ledger holds newer facts than this export.</param>
/// <param name="Reopened">Invoices this export turned from paid to unpaid: held until a person confirms.</param>
/// <param name="Notes">What to warn about, each with its kind (see <see cref="ImportWarnings"/>).</param>
public sealed record BatchOutcome(int Created, int Updated, int Unchanged, List<RejectedRow> Rejected, List<(string Kind, string Text)> Notes,
    List<string> Stale, List<string> Reopened);

/// <summary>
/// Upserts a batch of invoices, as one file states them, into the ledger (inside the import's transaction): creates clients
/// and invoices it has not seen, records what changed (and who changed it) in the audit history, and turns
/// an amount paid that went up into a payment.
/// What the ledger already holds for the source is compared in memory (<see cref="LedgerIndex"/>). Each invoice is left
/// with the fingerprint of the rows it was read from and the values they gave it (<see cref="ImportFingerprint"/>), so the
/// next import can pass over it unread while neither changes.
/// </summary>
internal sealed partial class LedgerWriter(ChaseDbContext db, ImportRun run, string source, string actor, DateOnly today, DateTime now,
    LedgerIndex known)
{
    /// <param name="passedOver">Invoices whose rows were not read, their fingerprints vouching that nothing changed.</param>
    public async Task<BatchOutcome> WriteAsync(IReadOnlyList<InvoiceFacts> batch, List<RejectedRow> rejectedBefore,
        IReadOnlyList<string> passedOver, CancellationToken cancellationToken)
    {
        var rejected = new List<RejectedRow>(rejectedBefore);
        int created = 0, updated = 0, unchanged = 0;
        var reappeared = new List<long>();
        foreach (var number in passedOver)
        {
            // Seen, and back if it had gone missing: all a read row that changed nothing would do.
            known.TryGet(number, out var entry);
            entry.Seen = true;
            if (entry.Missing)
            {
                entry.Missing = false;
                reappeared.Add(entry.Id);
                Audit(AuditActions.InvoiceReappeared, number, "listed again in the export");
            }
            unchanged++;
        }
        var clients = await ClientsFor(batch, cancellationToken);
        if (db.ChangeTracker.HasChanges())
            await db.SaveChangesAsync(cancellationToken); // new clients get their ids, which new invoices refer to
        var newInvoices = new List<Invoice>();
        var differing = new List<(LedgerIndex.Entry Indexed, InvoiceFacts Facts, Client Client)>();
        var createdEarlier = await known.CreatedEarlierAsync(db, source, run.Id, batch, cancellationToken);
        var notes = _findings; // what finding the clients said, and what the invoices add; handed over at the end
        List<string> stale = [], reopened = [];

        foreach (var read in batch)
        {
            var facts = StoredSpelling(read);
            var client = clients[Client.Normalize(facts.ClientName)];
            var earlier = createdEarlier.GetValueOrDefault(facts.Number);
            if (earlier is null && known.TryGet(facts.Number, out var k) && k.Seen)
                earlier = k;
            if (earlier is not null)
            {
                // Rows of this invoice in an earlier batch of the same file: they must agree.
                if (Disagreement(earlier, facts, client) is { } disagreement)
                    rejected.Add(new RejectedRow
                    {
                        ImportRunId = run.Id,
                        Line = facts.FirstLine,
                        // Worded as InvoiceBatch words a repeat within one batch; which line came first is not kept across batches.
                        Reason = $"invoice {facts.Number} appears again with a different {disagreement}; the first row is kept",
                    });
                continue;
            }
            if (!known.TryGet(facts.Number, out k))
            {
                newInvoices.Add(NewInvoice(facts, client));
                known.Created(facts.Number);
                Audit(AuditActions.InvoiceCreated, facts.Number,
                    $"{client.Name}, {facts.Currency} {Money.Format(facts.Total)}, due {facts.DueDate:yyyy-MM-dd}, {facts.Status.ToWire()}");
                created++;
                continue;
            }
            k.Seen = true;
            if (k.Missing)
            {
                k.Missing = false;
                reappeared.Add(k.Id);
                Audit(AuditActions.InvoiceReappeared, facts.Number, "listed again in the export");
            }
            if (Changes(k, facts, client).Count == 0)
            {
                unchanged++;
                Fingerprint(k.Id, k.Fingerprint, Vouched(facts with { IssueDate = k.IssueDate }, client));
            }
            else
                differing.Add((k, facts, client));
        }

        if (differing.Count > 0)
        {
            var (changed, same) = await UpdateAsync(differing, notes, stale, reopened, cancellationToken);
            (updated, unchanged) = (changed, unchanged + same);
        }

        db.RejectedRows.AddRange(rejected);
        await db.SaveChangesAsync(cancellationToken);
        // New rows are most of a first import: one prepared INSERT each, not EF's batches (see BulkInsert).
        await BulkInsert.InsertAsync(db, newInvoices, cancellationToken);
        await BulkInsert.InsertAsync(db, _audit, cancellationToken);
        _audit.Clear();
        await SaveFingerprintsAsync(cancellationToken);
        if (reappeared.Count > 0)
            await db.Invoices.Where(i => reappeared.Contains(i.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.MissingSince, (DateTime?)null), cancellationToken);
        db.ChangeTracker.Clear();
        List<(string Kind, string Text)> said = [.. notes];
        _findings.Clear();
        return new BatchOutcome(created, updated, unchanged, rejected, said, stale, reopened);
    }

    /// <summary>
    /// The invoices whose stated values differ from the index: read whole (the ledger may have moved since the index was
    /// read, by a payment logged in chat), compared again, and changed.
    /// </summary>
    private async Task<(int Updated, int Unchanged)> UpdateAsync(List<(LedgerIndex.Entry Indexed, InvoiceFacts Facts, Client Client)> differing,
        List<(string Kind, string Text)> notes, List<string> stale, List<string> reopened, CancellationToken cancellationToken)
    {
        var ids = differing.Select(d => d.Indexed.Id).ToList();
        var invoices = await db.Invoices.Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
        var withLoggedPayments = (await db.Payments.Where(p => ids.Contains(p.InvoiceId) && p.Origin == PaymentOrigin.Logged)
            .Select(p => p.InvoiceId).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        int updated = 0, unchanged = 0;
        foreach (var (k, stated, client) in differing)
        {
            var invoice = invoices[k.Id];
            var facts = stated;
            if (run.AsOf is { } asOf && invoice.FactsAsOf is { } held && asOf < held)
            {
                // An older download than the one that set these facts: it says nothing new, whatever it says.
                stale.Add(facts.Number);
                unchanged++;
                Fingerprint(invoice.Id, invoice.ImportFingerprint, null);
                continue;
            }
            var keptLogged = false;
            if (withLoggedPayments.Contains(invoice.Id) && facts.Paid < invoice.AmountPaid && facts.Currency == invoice.Currency && facts.Total == invoice.Total)
            {
                // A payment logged in chat that the accounting tool has not caught up with: keep it, never count it twice.
                notes.Add(("logged-payment", $"{facts.Number}: the export shows {Money.Format(facts.Paid)} paid but {Money.Format(invoice.AmountPaid)} was logged in chat; keeping the logged payment"));
                facts = facts with { Paid = invoice.AmountPaid, Due = invoice.AmountDue, Status = invoice.Status };
                keptLogged = true; // the ledger now differs from the file: no fingerprint may vouch for the two agreeing
            }
            var changes = Changes(LedgerIndex.Entry.Of(invoice), facts, client);
            if (changes.Count == 0)
            {
                unchanged++;
                Fingerprint(invoice.Id, invoice.ImportFingerprint, keptLogged ? null : Vouched(facts with { IssueDate = invoice.IssueDate }, client));
                continue;
            }
            RecordPaymentIfAny(invoice, facts);
            if (invoice.Status == InvoiceStatus.Paid && facts.Status.IsOutstanding())
            {
                // Paid before, owing again now: a refund, a bounced payment or a correction. Nobody is chased for it
                // until a person has looked (/chase reopen).
                invoice.ReopenedAt = now;
                reopened.Add(facts.Number);
                Audit(AuditActions.InvoiceReopened, facts.Number, $"paid before; this export says {facts.Currency} {Money.Format(facts.Due)} is due: held until confirmed with /chase reopen");
            }
            Apply(invoice, facts, client);
            invoice.ImportFingerprint = keptLogged ? null : Vouched(facts with { IssueDate = invoice.IssueDate }, client);
            Audit(AuditActions.InvoiceUpdated, facts.Number, string.Join("; ", changes));
            k.Refresh(invoice);
            updated++;
        }
        return (updated, unchanged);
    }

    /// <summary>
    /// The open invoices of the source this file has not listed, once every batch is written: they are flagged missing
    /// (never assumed paid).
    /// </summary>
    public IEnumerable<(long Id, string Number)> NotListed() => known.NotListed();

    /// <summary>
    /// An invoice number the ledger does not hold, but holds in another reading of its bytes, is that invoice under the
    /// number stored (see <see cref="Text.Redecoding"/>): said, never a second invoice.
    /// </summary>
    private InvoiceFacts StoredSpelling(InvoiceFacts read)
    {
        if (known.TryGet(read.Number, out _))
            return read;
        foreach (var (other, how) in Text.Redecoding.Alternatives(read.Number))
            if (known.TryGet(other, out _))
            {
                _findings.Add(("redecoded", $"invoice \"{Text.Printable.Of(read.Number)}\" (line {read.FirstLine}) is \"{Text.Printable.Of(other)}\" with " +
                    $"its letters {how}; kept as \"{Text.Printable.Of(other)}\", the number the ledger holds"));
                return read with { Number = other };
            }
        return read;
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
        PaymentLink = facts.PaymentLink,
        SourceId = facts.SourceId,
        FactsAsOf = run.AsOf,
        LastImportRunId = run.Id,
        ImportFingerprint = Vouched(facts, client),
        CreatedAt = now,
        UpdatedAt = now,
    };

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
        Audit(AuditActions.PaymentRecorded, invoice.Number, $"{facts.Currency} {Money.Format(amount)} seen in the export");
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
        invoice.PaymentLink = facts.PaymentLink ?? invoice.PaymentLink;
        if (run.AsOf is { } asOf && (invoice.FactsAsOf is not { } held || asOf > held))
            invoice.FactsAsOf = asOf;
        invoice.LastImportRunId = run.Id;
        invoice.UpdatedAt = now;
    }

    private readonly List<AuditEntry> _audit = [];

    private void Audit(string action, string subject, string? details) =>
        _audit.Add(new AuditEntry { At = now, Actor = actor, Action = action, Subject = subject, Details = details });
}
