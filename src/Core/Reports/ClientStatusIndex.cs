using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Reports;

/// <summary>
/// Every client's outstanding invoices as of one ledger version, held in memory only while the Bot is busy with many
/// different clients' statuses: then each answer is a lookup instead of three queries (a status computed from the
/// database costs about seven times a /healthz; bench/README.md). A person asking in chat never makes the Bot busy, so
/// for them every status is read from the database as before and nothing is held.
/// Busy, while the ledger moves (an import commits, the outbox records a post), the index read at the version before is
/// used, and the answer says the moment it was true at (docs/guarantees.md, 8), while it is read again in the
/// background, one reading at a time. Not busy, only an index read at the question's version (or later) is used.
/// An index is held only within half of <paramref name="budgetBytes"/> (Status:IndexMemoryBudget): a ledger too large for
/// it is answered from the database, and is not read again for <see cref="OverBudgetPause"/>.
/// </summary>
public sealed class ClientStatusIndex(IDbContextFactory<ChaseDbContext> dbFactory, TimeProvider clock, ILogger? log = null,
    long budgetBytes = 64L << 20)
{
    /// <summary>After a reading that would not fit the budget, how long before the ledger is tried again (it may have shrunk).</summary>
    public static readonly TimeSpan OverBudgetPause = TimeSpan.FromMinutes(10);

    /// <summary>Statuses computed within a second (questions not answered already at their version) that make the Bot busy.</summary>
    public const int BusyAt = 200;

    /// <summary>An index is let go once the Bot has not been busy for this long, so an idle Bot holds nothing.</summary>
    public static readonly TimeSpan LetGoAfter = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Snapshot? _held;
    private Task? _reading;
    private long _readingEnded; // TimeProvider timestamp
    private TimeSpan _readingTook;
    private long _windowStart; // TimeProvider timestamps
    private long _lastBusy;
    private int _inWindow, _inWindowBefore;
    private ITimer? _letGo;

    /// <summary>
    /// The index to answer a question asked at <paramref name="version"/> from, or null (ask the database).
    /// <paramref name="stale"/> when it was read before that version: the answer must say so.
    /// </summary>
    public Snapshot? For(long version, out bool stale)
    {
        stale = false;
        lock (_gate)
        {
            var busy = Count();
            if (_held is { } held && held.Version >= version)
                return held;
            if (!busy)
                return null;
            // One reading at a time, and a pause as long as the last one took between them: while the ledger moves without
            // end (imports back to back), reading it again and again would take the CPU the questions need.
            if (_reading is null or { IsCompleted: true } && clock.GetElapsedTime(_readingEnded) >= _readingTook && budgetBytes > 0)
                _reading = Task.Run(() => ReadAsync(version));
            stale = _held is not null;
            return _held;
        }
    }

    /// <summary>Counts this question; true when this second, or the one before, had enough of them.</summary>
    private bool Count()
    {
        var now = clock.GetTimestamp();
        var elapsed = clock.GetElapsedTime(_windowStart, now);
        if (elapsed >= Window)
        {
            _inWindowBefore = elapsed < 2 * Window ? _inWindow : 0;
            (_windowStart, _inWindow) = (now, 0);
        }
        var busy = ++_inWindow >= BusyAt || _inWindowBefore >= BusyAt;
        if (busy)
            _lastBusy = now;
        return busy;
    }

    private async Task ReadAsync(long version)
    {
        var started = clock.GetTimestamp();
        var overBudget = false;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var snapshot = await Snapshot.ReadAsync(db, version, clock.GetUtcNow(), budgetBytes / 2, CancellationToken.None);
            lock (_gate)
            {
                if (_held is null || _held.Version < version)
                    _held = snapshot;
                _letGo ??= clock.CreateTimer(_ => LetGoIfIdle(), null, LetGoAfter, LetGoAfter);
            }
        }
        catch (OverBudgetException e)
        {
            log?.LogWarning("The clients' statuses would take {Needed:0.#} MiB or more in memory, over half of Status:IndexMemoryBudget " +
                            "({Budget:0.#} MiB): each is read from the database, and the ledger is tried again in {Minutes} minutes",
                e.Bytes / 1048576.0, budgetBytes / 1048576.0, OverBudgetPause.TotalMinutes);
            lock (_gate)
                _held = null; // an index of a smaller ledger would only grow staler
            overBudget = true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nothing is lost: questions are answered from the database meanwhile, and a busy Bot reads again.
            log?.LogWarning(e, "Could not read the clients' statuses into memory; they are read from the database meanwhile");
        }
        finally
        {
            lock (_gate)
                (_readingEnded, _readingTook) = (clock.GetTimestamp(), overBudget ? OverBudgetPause : clock.GetElapsedTime(started));
        }
    }

    private void LetGoIfIdle()
    {
        lock (_gate)
        {
            if (clock.GetElapsedTime(_lastBusy) < LetGoAfter)
                return;
            _held = null;
            _letGo?.Dispose();
            _letGo = null;
        }
    }

    /// <summary>A reading stopped because the index would be larger than its budget.</summary>
    internal sealed class OverBudgetException(long bytes) : Exception($"{bytes} bytes or more")
    {
        public long Bytes { get; } = bytes;
    }

    /// <summary>The ledger's clients and outstanding invoices as read at one version.</summary>
    public sealed class Snapshot
    {
        public long Version { get; }

        /// <summary>When it began to be read: what it says is true as of then.</summary>
        public DateTimeOffset ReadAt { get; }
        private readonly Dictionary<string, long> _clientNamed;
        private readonly string[] _normalizedNames;
        private readonly long[] _clientIds;
        private readonly Dictionary<long, LedgerStatus.StatusRow[]> _outstanding;
        /// <summary>Every invoice number's hash, settled ones too: a filter that is no number is known at once; one that may be is asked of the database.</summary>
        private readonly HashSet<int> _numberHashes;

        private Snapshot(long version, DateTimeOffset readAt, List<(long Id, string Normalized)> clients, Dictionary<long, LedgerStatus.StatusRow[]> outstanding,
            HashSet<int> numberHashes)
        {
            (Version, ReadAt) = (version, readAt);
            _clientNamed = clients.ToDictionary(c => c.Normalized, c => c.Id, StringComparer.Ordinal);
            _normalizedNames = clients.Select(c => c.Normalized).ToArray();
            _clientIds = clients.Select(c => c.Id).ToArray();
            _outstanding = outstanding;
            _numberHashes = numberHashes;
        }

        /// <summary>
        /// Reads what <see cref="LedgerStatus.RunAsync"/> reads for each client, in one read-only transaction so every part
        /// is of one moment; but as four plain queries, without a subquery per invoice (one query with them took a second
        /// for 100,000 invoices while an import ran).
        /// </summary>
        /// <param name="budgetBytes">Stops (<see cref="OverBudgetException"/>) once what it holds would be more.</param>
        internal static async Task<Snapshot> ReadAsync(ChaseDbContext db, long version, DateTimeOffset readAt, long budgetBytes,
            CancellationToken cancellationToken)
        {
            await using var transaction = await ReadOnlyTransactionAsync(db, cancellationToken);
            var clients = await db.Clients.AsNoTracking().OrderBy(c => c.Id)
                .Select(c => new { c.Id, c.Name, c.NormalizedName, c.IsPaused, c.PausedUntil }).ToListAsync(cancellationToken);
            var clientOf = clients.ToDictionary(c => c.Id);
            var bytes = clients.Sum(c => ClientBytes + 2L * (c.Name.Length + c.NormalizedName.Length));
            var disputed = (await db.Disputes.AsNoTracking().Where(d => d.ResolvedAt == null).Select(d => d.InvoiceId).ToListAsync(cancellationToken)).ToHashSet();
            var promised = await db.PaymentPromises.AsNoTracking().Where(p => p.Kept == null).GroupBy(p => p.InvoiceId)
                .Select(g => new { Invoice = g.Key, By = g.Max(p => p.PromisedFor) }).ToDictionaryAsync(p => p.Invoice, p => p.By, cancellationToken);
            var numberHashes = new HashSet<int>();

            // Each client's invoices in the order the database gives a single client's (LedgerStatus's ClientOutstanding).
            var outstanding = new Dictionary<long, LedgerStatus.StatusRow[]>();
            var lines = new List<LedgerStatus.StatusRow>();
            // Each row arrives with its own copy of its currency and source: held once each instead.
            var held = new Dictionary<string, string>(StringComparer.Ordinal);
            string Once(string text) => held.TryAdd(text, text) ? text : held[text];
            // Every invoice once: each number is hashed, the outstanding ones kept.
            var invoices = db.Invoices.AsNoTracking().OrderBy(i => i.ClientId).ThenBy(i => i.DueDate).ThenBy(i => i.Number)
                .Select(i => new { i.Id, i.ClientId, i.Number, i.Source, i.Currency, i.Total, i.AmountPaid, i.AmountDue, i.DueDate, i.Status, i.MissingSince, i.SnoozedUntil });
            await foreach (var i in invoices.AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                numberHashes.Add(NumberHash(i.Number));
                bytes += HashBytes;
                if (!i.Status.IsOutstanding())
                    continue;
                if ((bytes += RowBytes + 2L * i.Number.Length) > budgetBytes)
                    throw new OverBudgetException(bytes);
                if (lines.Count > 0 && lines[0].ClientId != i.ClientId)
                {
                    outstanding[lines[0].ClientId] = [.. lines];
                    lines.Clear();
                }
                var client = clientOf[i.ClientId];
                lines.Add(new LedgerStatus.StatusRow(i.ClientId, i.Number, Once(i.Source), client.Name, Once(i.Currency), i.Total, i.AmountPaid,
                    i.AmountDue, i.DueDate, i.Status, i.MissingSince, i.SnoozedUntil, disputed.Contains(i.Id),
                    promised.TryGetValue(i.Id, out var by) ? by : null, client.IsPaused, client.PausedUntil));
            }
            if (lines.Count > 0)
                outstanding[lines[0].ClientId] = [.. lines];
            return new Snapshot(version, readAt, clients.Select(c => (c.Id, c.NormalizedName)).ToList(), outstanding, numberHashes);
        }

        // What each part takes on the 64-bit runtime, rounded up: a row (the record's header and 16 fields, its slot in
        // its client's array, and its number's string header), a number's hash in the set, a client (two names, its entry
        // in the lookup and the two arrays). Deliberately generous: the budget is a ceiling, not an average.
        private const long RowBytes = 200, HashBytes = 24, ClientBytes = 120;

        /// <summary>A transaction that only reads and waits for no writer: SQLite's deferred BEGIN, PostgreSQL's repeatable read.</summary>
        private static async Task<IAsyncDisposable> ReadOnlyTransactionAsync(ChaseDbContext db, CancellationToken cancellationToken)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            if (db.Database.GetDbConnection() is not Microsoft.Data.Sqlite.SqliteConnection sqlite)
                return await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            // EF's own BeginTransaction is SQLite's BEGIN IMMEDIATE, which would wait for an import's write lock.
            var deferred = sqlite.BeginTransaction(deferred: true);
            await db.Database.UseTransactionAsync(deferred, cancellationToken);
            return new Ended(async () =>
            {
                await db.Database.UseTransactionAsync(null, CancellationToken.None);
                await deferred.DisposeAsync();
            });
        }

        private sealed class Ended(Func<Task> end) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync() => await end();
        }

        // Without case, as chat finds a number ("inv-0101" is INV-0101's).
        private static int NumberHash(string number) => InvoiceNumbers.Comparer.GetHashCode(number);

        /// <summary>False when the text may be an invoice's number: only the database can say which invoice.</summary>
        public bool CertainlyNoInvoiceNumber(string text) => !_numberHashes.Contains(NumberHash(text));

        /// <summary>The client a person means, by the same rule as <see cref="LedgerStatus.FindClientAsync"/>.</summary>
        public long? FindClient(string text)
        {
            var normalized = Client.Normalize(text);
            if (_clientNamed.TryGetValue(normalized, out var exact))
                return exact;
            if (normalized.Length < 3)
                return null;
            foreach (var matches in new Func<string, bool>[] { name => name.StartsWith(normalized, StringComparison.Ordinal),
                         name => name.Contains(normalized, StringComparison.Ordinal) })
            {
                long? found = null;
                for (var i = 0; i < _normalizedNames.Length; i++)
                {
                    if (!matches(_normalizedNames[i]))
                        continue;
                    if (found is not null)
                        return null; // several: the person must say which
                    found = _clientIds[i];
                }
                if (found is not null)
                    return found;
            }
            return null;
        }

        internal IReadOnlyList<LedgerStatus.StatusRow> Outstanding(long client) => _outstanding.GetValueOrDefault(client) ?? [];
    }
}
