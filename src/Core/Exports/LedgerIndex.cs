using ChaseBot.Core.Ledger;
using Microsoft.Data.Sqlite;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

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
        public string? PaymentLink;
        public bool Missing, Seen;

        /// <summary>The fingerprint the ledger holds, and the hash of the values it holds: both as the index was read.</summary>
        public long? Fingerprint;
        public ulong ValuesNow;

        /// <summary>Set by the reading half once it has met the invoice's rows in this file; read and written on its thread only.</summary>
        public bool Met;

        /// <summary>
        /// Whether rows hashing to <paramref name="rows"/> would be read into what the ledger holds, so they need not be read
        /// (<see cref="ImportFingerprint"/>). Safe to ask from the reading thread: it reads only what the index was read with,
        /// for an invoice the writer has not been handed yet.
        /// </summary>
        public bool Vouches(ulong rows) => Fingerprint is { } stored && stored == ImportFingerprint.Of(rows, ValuesNow);

        public static Entry Of(Invoice i) => new()
        {
            Id = i.Id, ClientId = i.ClientId, IssueDate = i.IssueDate, DueDate = i.DueDate, Currency = i.Currency, Total = i.Total,
            Paid = i.AmountPaid, Due = i.AmountDue, Status = i.Status, Missing = i.MissingSince is not null, PaymentLink = i.PaymentLink,
        };

        /// <summary>The entry after the import changed its invoice (whether it was seen or missing does not change).</summary>
        public void Refresh(Invoice i) =>
            (ClientId, IssueDate, DueDate, Currency, Total, Paid, Due, Status, PaymentLink) =
            (i.ClientId, i.IssueDate, i.DueDate, i.Currency, i.Total, i.AmountPaid, i.AmountDue, i.Status, i.PaymentLink);
    }

    private readonly Dictionary<string, Entry> _entries;

    /// <summary>
    /// Numbers this file created, in a fixed 2 MiB Bloom filter (four bits of each number's hash): an invoice repeated
    /// further down the file (in another batch) is looked up only when its four bits are set. The memory is the same for
    /// any file (a set of hashes grew with it: 4 MB at 100,000 invoices, twice that while it resized). A number taken for
    /// another only adds it to its batch's one lookup, a scan of what this import wrote, so it must be rare: about one
    /// in three million at 100,000 invoices, one in 500 at 1,000,000 (one bit of a 1 MiB filter was one in 80 at
    /// 100,000, and that scan in almost every batch made a first import take half as long again).
    /// </summary>
    private readonly System.Collections.BitArray _created = new(CreatedBits);

    private const int CreatedBits = 1 << 24, CreatedHashes = 4;

    /// <summary>The filter's bits for a number: double hashing from its case-blind hash.</summary>
    private static IEnumerable<int> CreatedBitsOf(string number)
    {
        var h1 = (uint)InvoiceNumbers.Comparer.GetHashCode(number);
        var h2 = (h1 * 0x9E3779B1u ^ h1 >> 15) | 1; // a second, odd step derived from the first
        for (uint i = 0; i < CreatedHashes; i++)
            yield return (int)((h1 + i * h2) % CreatedBits);
    }

    /// <summary>
    /// Invoices a ledger written before numbers compared without case holds twice, "INV-1" and "inv-1": each found by its
    /// own spelling. Empty in any ledger this version wrote.
    /// </summary>
    private readonly Dictionary<string, Entry> _variants;

    private LedgerIndex((Dictionary<string, Entry> Entries, Dictionary<string, Entry> Variants) read) =>
        (_entries, _variants) = read;

    /// <summary>
    /// Reads the source's invoices in one plain query, by column position: EF materialising 100,000 rows of its
    /// projection took 0.5 s, most of a re-import once unchanged rows are passed over (bench/README.md). On SQLite the
    /// statement is stepped through SQLitePCLRaw, as <see cref="BulkInsert"/> writes: Microsoft.Data.Sqlite's per-value
    /// checks were most of what was left. Values are read as Microsoft.Data.Sqlite and Npgsql read them for EF (dates and
    /// amounts from their stored forms, the status by its name); <c>LedgerIndexTests</c> compares both ways on one ledger.
    /// </summary>
    public static async Task<LedgerIndex> ReadAsync(ChaseDbContext db, string source, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
            await db.Database.OpenConnectionAsync(cancellationToken);
        var query = Query(db);
        if (connection is SqliteConnection sqlite)
        {
            var read = Empty();
            SqliteRow? adapter = null; // one for every row: the stepper is the same object throughout
            if (SqliteSteps.TryEach(sqlite, query.Replace("@source", "?1"), [source], row => Add(read, adapter ??= new SqliteRow(row))))
                return new LedgerIndex(read);
        }
        return new LedgerIndex(await ReadThroughProviderAsync(db, query, source, cancellationToken));
    }

    /// <summary>The same index read through the provider's data reader (PostgreSQL; SQLite where a value is not in EF's form).</summary>
    internal static async Task<(Dictionary<string, Entry> Entries, Dictionary<string, Entry> Variants)> ReadThroughProviderAsync(ChaseDbContext db, string query, string source,
        CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = query;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@source";
        parameter.Value = source;
        command.Parameters.Add(parameter);
        var entries = Empty();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var row = new ProviderRow(reader);
        while (await reader.ReadAsync(cancellationToken))
            Add(entries, row);
        return entries;
    }

    /// <summary>The index's query; its columns in the order <see cref="Add"/> reads them.</summary>
    internal static string Query(ChaseDbContext db)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(string table, string name) => $"{table}.{sql.DelimitIdentifier(name)}";
        string[] columns =
        [
            Column("i", nameof(Invoice.Number)), Column("i", nameof(Invoice.Id)), Column("i", nameof(Invoice.ClientId)),
            Column("i", nameof(Invoice.IssueDate)), Column("i", nameof(Invoice.DueDate)), Column("i", nameof(Invoice.Currency)),
            Column("i", nameof(Invoice.Total)), Column("i", nameof(Invoice.AmountPaid)), Column("i", nameof(Invoice.AmountDue)),
            Column("i", nameof(Invoice.Status)), Column("i", nameof(Invoice.MissingSince)), Column("i", nameof(Invoice.ImportFingerprint)),
            Column("c", nameof(Client.NormalizedName)), Column("c", nameof(Client.BillingEmail)), Column("i", nameof(Invoice.PaymentLink)),
        ];
        return $"SELECT {string.Join(", ", columns)} FROM {sql.DelimitIdentifier(TableOf<Invoice>(db))} AS i " +
               $"JOIN {sql.DelimitIdentifier(TableOf<Client>(db))} AS c ON {Column("c", nameof(Client.Id))} = {Column("i", nameof(Invoice.ClientId))} " +
               $"WHERE {Column("i", nameof(Invoice.Source))} = @source";
    }

    /// <summary>One row of the index query, however it is read.</summary>
    private interface IRow
    {
        bool IsNull(int column);
        long Int64(int column);
        string Text(int column);
        decimal Amount(int column);
        DateOnly Day(int column);
    }

    private static (Dictionary<string, Entry> Entries, Dictionary<string, Entry> Variants) Empty() =>
        (new Dictionary<string, Entry>(InvoiceNumbers.Comparer), new Dictionary<string, Entry>(StringComparer.Ordinal));

    private static void Add((Dictionary<string, Entry> Entries, Dictionary<string, Entry> Variants) index, IRow row)
    {
        var entry = new Entry
        {
            Id = row.Int64(1), ClientId = row.Int64(2),
            IssueDate = row.IsNull(3) ? null : row.Day(3), DueDate = row.Day(4),
            Currency = string.Intern(row.Text(5)),
            Total = row.Amount(6), Paid = row.Amount(7), Due = row.Amount(8),
            Status = Enum.Parse<InvoiceStatus>(row.Text(9)), Missing = !row.IsNull(10),
            Fingerprint = row.IsNull(11) ? null : row.Int64(11),
            PaymentLink = row.IsNull(14) ? null : row.Text(14),
        };
        // Only worth computing where there is a fingerprint to compare with.
        if (entry.Fingerprint is not null)
            entry.ValuesNow = ImportFingerprint.Values(entry.ClientId, row.Text(12), !row.IsNull(13), entry.IssueDate,
                entry.DueDate, entry.Currency, entry.Total, entry.Paid, entry.Due, entry.Status);
        var number = row.Text(0);
        if (!index.Entries.TryAdd(number, entry))
            index.Variants[number] = entry;
    }

    private sealed class ProviderRow(System.Data.Common.DbDataReader reader) : IRow
    {
        public bool IsNull(int column) => reader.IsDBNull(column);
        public long Int64(int column) => reader.GetInt64(column);
        public string Text(int column) => reader.GetString(column);
        public decimal Amount(int column) => reader.GetDecimal(column);
        public DateOnly Day(int column) => reader.GetFieldValue<DateOnly>(column);
    }

    /// <summary>A row of the index query stepped through SQLitePCLRaw (<see cref="SqliteSteps"/>).</summary>
    private sealed class SqliteRow(SqliteSteps row) : IRow
    {
        public bool IsNull(int column) => row.IsNull(column);
        public long Int64(int column) => row.Int64(column);
        public string Text(int column) => row.Text(column);
        public decimal Amount(int column) => row.Amount(column);
        public DateOnly Day(int column) => row.Day(column);
    }

    private static string TableOf<T>(ChaseDbContext db) => db.Model.FindEntityType(typeof(T))!.GetTableName()!;

    /// <summary>The ledger's invoice of that number when it holds a fingerprint for it: its rows are worth hashing before reading.</summary>
    public Entry? Fingerprinted(string number) => TryGet(number, out var entry) && entry.Fingerprint is not null ? entry : null;

    /// <summary>The ledger's invoice of that number (in any case) as it was before this import.</summary>
    public bool TryGet(string number, out Entry entry) =>
        (_variants.Count > 0 && _variants.TryGetValue(number, out entry!)) || _entries.TryGetValue(number, out entry!);

    /// <summary>This file created an invoice of that number.</summary>
    public void Created(string number)
    {
        foreach (var bit in CreatedBitsOf(number))
            _created[bit] = true;
    }

    /// <summary>Invoices of this batch that an earlier batch of the same file created, as the ledger now holds them.</summary>
    public async Task<Dictionary<string, Entry>> CreatedEarlierAsync(ChaseDbContext db, string source, long runId,
        IReadOnlyList<InvoiceFacts> batch, CancellationToken cancellationToken)
    {
        var maybe = batch.Select(f => f.Number)
            .Where(n => !_entries.ContainsKey(n) && CreatedBitsOf(n).All(bit => _created[bit])).ToList();
        if (maybe.Count == 0)
            return [];
        var upper = maybe.Select(n => n.ToUpperInvariant()).ToList();
        var found = new Dictionary<string, Entry>(InvoiceNumbers.Comparer);
        foreach (var invoice in await db.Invoices.AsNoTracking()
                     .Where(i => i.Source == source && i.LastImportRunId == runId && (maybe.Contains(i.Number) || upper.Contains(i.Number.ToUpper())))
                     .ToListAsync(cancellationToken))
            found.TryAdd(invoice.Number, Entry.Of(invoice));
        return found;
    }

    /// <summary>The open invoices of the source this file has not listed: once every batch is written, they go missing.</summary>
    public IEnumerable<(long Id, string Number)> NotListed() =>
        _entries.Concat(_variants).Where(e => !e.Value.Seen && !e.Value.Missing && e.Value.Status is InvoiceStatus.Open or InvoiceStatus.PartiallyPaid)
            .Select(e => (e.Value.Id, e.Key));
}
