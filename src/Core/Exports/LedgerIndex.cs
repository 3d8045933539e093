using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Exports;

/// <summary>
/// What the ledger already holds for one source, read once per import so that a re-import, where most invoices are
/// unchanged, compares in memory and touches only what changed. Asking the database per batch for 500 numbers and
/// marking every unchanged invoice as seen was most of a re-import's time (bench/README.md). The index grows with the
/// ledger (about 200 bytes an invoice), not with the file.
/// </summary>
internal sealed class LedgerIndex
{
    /// <summary>The ledger's invoice as an import compares it, and whether this file has listed it yet.</summary>
    public sealed class Entry
    {
        public long Id;
        public long ClientId;
        public DateOnly? IssueDate;
        public DateOnly DueDate;
        public required string Currency;
        public decimal Total, Paid, Due;
        public InvoiceStatus Status;
        public bool Missing, Seen;

        public static Entry Of(Invoice i) => new()
        {
            Id = i.Id, ClientId = i.ClientId, IssueDate = i.IssueDate, DueDate = i.DueDate, Currency = i.Currency, Total = i.Total,
            Paid = i.AmountPaid, Due = i.AmountDue, Status = i.Status, Missing = i.MissingSince is not null,
        };

        /// <summary>The entry after the import changed its invoice (whether it was seen or missing does not change).</summary>
        public void Refresh(Invoice i) =>
            (ClientId, IssueDate, DueDate, Currency, Total, Paid, Due, Status) =
            (i.ClientId, i.IssueDate, i.DueDate, i.Currency, i.Total, i.AmountPaid, i.AmountDue, i.Status);
    }

    private readonly Dictionary<string, Entry> _entries;

    /// <summary>
    /// Numbers this file created, by hash: an invoice repeated further down the file (in another batch) is looked up
    /// only when its hash was created before. Four bytes an invoice, so a first import stays flat.
    /// </summary>
    private readonly HashSet<int> _createdHashes = [];

    private LedgerIndex(Dictionary<string, Entry> entries) => _entries = entries;

    public static async Task<LedgerIndex> ReadAsync(ChaseDbContext db, string source, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var rows = db.Invoices.AsNoTracking().Where(i => i.Source == source)
            .Select(i => new { i.Number, i.Id, i.ClientId, i.IssueDate, i.DueDate, i.Currency, i.Total, i.AmountPaid, i.AmountDue, i.Status, i.MissingSince })
            .AsAsyncEnumerable();
        await foreach (var i in rows.WithCancellation(cancellationToken))
            entries[i.Number] = new Entry
            {
                Id = i.Id, ClientId = i.ClientId, IssueDate = i.IssueDate, DueDate = i.DueDate, Currency = string.Intern(i.Currency),
                Total = i.Total, Paid = i.AmountPaid, Due = i.AmountDue, Status = i.Status, Missing = i.MissingSince is not null,
            };
        return new LedgerIndex(entries);
    }

    /// <summary>The ledger's invoice of that number as it was before this import.</summary>
    public bool TryGet(string number, out Entry entry) => _entries.TryGetValue(number, out entry!);

    /// <summary>This file created an invoice of that number.</summary>
    public void Created(string number) => _createdHashes.Add(StringComparer.Ordinal.GetHashCode(number));

    /// <summary>Invoices of this batch that an earlier batch of the same file created, as the ledger now holds them.</summary>
    public async Task<Dictionary<string, Entry>> CreatedEarlierAsync(ChaseDbContext db, string source, long runId,
        IReadOnlyList<InvoiceFacts> batch, CancellationToken cancellationToken)
    {
        var maybe = batch.Select(f => f.Number)
            .Where(n => !_entries.ContainsKey(n) && _createdHashes.Contains(StringComparer.Ordinal.GetHashCode(n))).ToList();
        if (maybe.Count == 0)
            return [];
        return (await db.Invoices.AsNoTracking()
                .Where(i => i.Source == source && i.LastImportRunId == runId && maybe.Contains(i.Number)).ToListAsync(cancellationToken))
            .ToDictionary(i => i.Number, Entry.Of, StringComparer.Ordinal);
    }

    /// <summary>The open invoices of the source this file has not listed: once every batch is written, they go missing.</summary>
    public IEnumerable<(long Id, string Number)> NotListed() =>
        _entries.Where(e => !e.Value.Seen && !e.Value.Missing && e.Value.Status is InvoiceStatus.Open or InvoiceStatus.PartiallyPaid)
            .Select(e => (e.Value.Id, e.Key));
}
