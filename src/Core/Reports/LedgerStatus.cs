using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Reports;

public sealed record StatusReportLine(
    string Number,
    string Source,
    string Client,
    string Currency,
    decimal Total,
    decimal Paid,
    decimal Due,
    DateOnly DueDate,
    string Status,
    int DaysOverdue,
    bool Missing,
    string? Hold = null);

/// <summary>Amount due in one currency, by age past the due date.</summary>
public sealed record CurrencyTotals(
    string Currency,
    int Invoices,
    decimal Due,
    decimal Current,
    decimal Days1To30,
    decimal Days31To60,
    decimal Days61To90,
    decimal Over90);

public sealed record LedgerStatusReport(
    DateOnly AsOf,
    string? Filter,
    IReadOnlyList<StatusReportLine> Invoices,
    IReadOnlyList<CurrencyTotals> Totals);

/// <summary>What `/chase status` shows for the whole ledger: totals and aging per currency, and the most overdue.</summary>
public sealed record LedgerSummary(DateOnly AsOf, IReadOnlyList<CurrencyTotals> Totals, IReadOnlyList<StatusReportLine> MostOverdue, int Outstanding);

/// <summary>
/// Who owes what, as of a day: outstanding invoices (or all, or those of one client or invoice) with their
/// days overdue, and per currency the amount due in aging buckets. Currencies are never added together.
/// </summary>
public static class LedgerStatus
{
    public sealed record Query(DateOnly AsOf, string? ClientOrInvoice = null, bool IncludeSettled = false);

    /// <summary>The whole ledger in summary, for chat (served again while unchanged by <see cref="StatusCache{TQuestion, TAnswer}"/>).</summary>
    public static async Task<LedgerSummary> SummaryAsync(ChaseDbContext db, DateOnly asOf, int mostOverdue, CancellationToken cancellationToken)
    {
        var outstanding = db.Invoices.AsNoTracking().Outstanding();
        var totals = await OutstandingTotals.ReadAsync(db, asOf, cancellationToken);
        var most = (await outstanding.OrderBy(i => i.DueDate).ThenBy(i => i.Client.Name).ThenBy(i => i.Number).Take(mostOverdue)
                .Select(i => new { i.Number, i.Source, Client = i.Client.Name, i.Currency, i.Total, i.AmountPaid, i.AmountDue, i.DueDate, i.Status, i.MissingSince })
                .ToListAsync(cancellationToken))
            .Select(i => new StatusReportLine(i.Number, i.Source, i.Client, i.Currency, i.Total, i.AmountPaid, i.AmountDue, i.DueDate,
                i.Status.ToWire(), Math.Max(0, asOf.DayNumber - i.DueDate.DayNumber), i.MissingSince is not null))
            .ToList();
        var summary = new LedgerSummary(asOf, totals.Totals(), most, totals.Count);
        return summary;
    }

    /// <summary>Null when the filter matches no client and no invoice.</summary>
    public static async Task<LedgerStatusReport?> RunAsync(ChaseDbContext db, Query query, CancellationToken cancellationToken = default)
    {
        var invoices = db.Invoices.AsNoTracking();
        var includeSettled = query.IncludeSettled;
        IAsyncEnumerable<StatusRow>? rows = null;
        if (!string.IsNullOrWhiteSpace(query.ClientOrInvoice))
        {
            var text = query.ClientOrInvoice.Trim();
            var upper = text.ToUpperInvariant();
            if (await Queries(db).NumberExists(db, text, cancellationToken))
            {
                invoices = invoices.Where(i => i.Number == text);
                includeSettled = true; // Asked about one invoice: show it whatever its state.
            }
            else if (await FindClientAsync(db, text, cancellationToken) is { } client)
            {
                invoices = invoices.Where(i => i.ClientId == client);
                // The question chat asks most, a client's outstanding invoices, is compiled once (bench/README.md).
                if (!includeSettled)
                    rows = Queries(db).ClientOutstanding(db, client);
            }
            // Neither a number as written nor a client: a number in another case ("inv-0102"), as paid reads it.
            else if (await db.Invoices.AnyAsync(i => i.Number.ToUpper() == upper, cancellationToken))
            {
                invoices = invoices.Where(i => i.Number.ToUpper() == upper);
                includeSettled = true;
            }
            else
                return null;
        }
        if (!includeSettled)
            invoices = invoices.Outstanding();

        rows ??= invoices.OrderBy(i => i.Client.Name).ThenBy(i => i.DueDate).ThenBy(i => i.Number).Select(RowOf).AsAsyncEnumerable();
        var report = new ReportBuilder(query);
        await foreach (var row in rows.WithCancellation(cancellationToken))
            report.Add(row);
        return report.Build();
    }

    /// <summary>
    /// The answer from <paramref name="index"/> when it can give it (a client's outstanding invoices, the question chat
    /// asks most): the same report <see cref="RunAsync"/> would read from the database at the index's version, or null
    /// when no client matches. False for anything else (an invoice number, settled invoices): ask the database.
    /// </summary>
    internal static bool TryAnswer(ClientStatusIndex.Snapshot index, Query query, out LedgerStatusReport? report)
    {
        report = null;
        if (query.IncludeSettled || string.IsNullOrWhiteSpace(query.ClientOrInvoice) || !index.CertainlyNoInvoiceNumber(query.ClientOrInvoice.Trim()))
            return false;
        if (index.FindClient(query.ClientOrInvoice.Trim()) is not { } client)
            return true;
        var builder = new ReportBuilder(query);
        foreach (var row in index.Outstanding(client))
            builder.Add(row);
        report = builder.Build();
        return true;
    }

    /// <summary>Status lines and per-currency aging, row by row.</summary>
    private sealed class ReportBuilder(Query query)
    {
        private readonly List<StatusReportLine> _lines = [];
        private readonly Dictionary<string, decimal[]> _totals = new();
        private readonly Dictionary<string, int> _counts = new();

        public void Add(StatusRow i)
        {
            var outstanding = i.Status.IsOutstanding();
            var daysOverdue = outstanding ? Math.Max(0, query.AsOf.DayNumber - i.DueDate.DayNumber) : 0;
            var hold = !outstanding ? null
                : i.Disputed ? "disputed"
                : i.PromisedFor is { } promised && promised >= query.AsOf ? $"promised by {promised:d MMM}"
                : i.SnoozedUntil is { } snoozed && snoozed > query.AsOf ? $"snoozed until {snoozed:d MMM}"
                : i.ClientPaused && (i.ClientPausedUntil is null || i.ClientPausedUntil > query.AsOf)
                    ? i.ClientPausedUntil is { } until ? $"client paused until {until:d MMM}" : "client paused"
                : null;
            _lines.Add(new StatusReportLine(i.Number, i.Source, i.Client, i.Currency, i.Total, i.AmountPaid, i.AmountDue,
                i.DueDate, i.Status.ToWire(), daysOverdue, i.MissingSince is not null, hold));
            if (!outstanding)
                return;
            if (!_totals.TryGetValue(i.Currency, out var buckets))
                _totals[i.Currency] = buckets = new decimal[5];
            buckets[Bucket(daysOverdue)] += i.AmountDue;
            _counts[i.Currency] = _counts.GetValueOrDefault(i.Currency) + 1;
        }

        public LedgerStatusReport Build()
        {
            var currencyTotals = _totals.OrderBy(t => t.Key, StringComparer.Ordinal)
                .Select(t => new CurrencyTotals(t.Key, _counts[t.Key], t.Value.Sum(), t.Value[0], t.Value[1], t.Value[2], t.Value[3], t.Value[4]))
                .ToList();
            return new LedgerStatusReport(query.AsOf, query.ClientOrInvoice, _lines, currencyTotals);
        }
    }

    /// <summary>One invoice's line as status reads it.</summary>
    internal sealed record StatusRow(long ClientId, string Number, string Source, string Client, string Currency, decimal Total, decimal AmountPaid,
        decimal AmountDue, DateOnly DueDate, InvoiceStatus Status, DateTime? MissingSince, DateOnly? SnoozedUntil, bool Disputed,
        DateOnly? PromisedFor, bool ClientPaused, DateOnly? ClientPausedUntil);

    private static readonly System.Linq.Expressions.Expression<Func<Invoice, StatusRow>> RowOf = i => new StatusRow(
        i.ClientId, i.Number, i.Source, i.Client.Name, i.Currency, i.Total, i.AmountPaid, i.AmountDue, i.DueDate, i.Status, i.MissingSince,
        i.SnoozedUntil, i.Disputes.Any(d => d.ResolvedAt == null), i.Promises.Where(p => p.Kept == null).Max(p => (DateOnly?)p.PromisedFor),
        i.Client.IsPaused, i.Client.PausedUntil);

    /// <summary>
    /// The queries chat asks most, compiled once: a different client's status on every request spent a quarter of its
    /// time translating the same LINQ again (bench/README.md). A compiled query belongs to one model, and a process that
    /// builds several hosts (the tests) has several models, so each model gets its own.
    /// </summary>
    private sealed class Compiled
    {
        public readonly Func<ChaseDbContext, string, CancellationToken, Task<bool>> NumberExists =
            EF.CompileAsyncQuery((ChaseDbContext db, string number, CancellationToken _) => db.Invoices.Any(i => i.Number == number));

        public readonly Func<ChaseDbContext, string, CancellationToken, Task<long?>> ClientNamed =
            EF.CompileAsyncQuery((ChaseDbContext db, string normalized, CancellationToken _) =>
                db.Clients.Where(c => c.NormalizedName == normalized).Select(c => (long?)c.Id).FirstOrDefault());

        public readonly Func<ChaseDbContext, long, IAsyncEnumerable<StatusRow>> ClientOutstanding =
            EF.CompileAsyncQuery((ChaseDbContext db, long client) => db.Invoices.AsNoTracking()
                .Where(i => i.ClientId == client && (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid))
                .OrderBy(i => i.Client.Name).ThenBy(i => i.DueDate).ThenBy(i => i.Number)
                .Select(RowOf));
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.EntityFrameworkCore.Metadata.IModel, Compiled> CompiledFor = new();

    private static Compiled Queries(ChaseDbContext db) => CompiledFor.GetValue(db.Model, _ => new Compiled());

    /// <summary>
    /// The client a person means: the exact name (any case or spacing), else the one client whose name starts with
    /// the words ("Kauri"), else the one whose name contains them; null when none or several do.
    /// </summary>
    public static async Task<long?> FindClientAsync(ChaseDbContext db, string text, CancellationToken cancellationToken)
    {
        var normalized = Client.Normalize(text);
        var exact = await Queries(db).ClientNamed(db, normalized, cancellationToken);
        if (exact is not null || normalized.Length < 3)
            return exact;
        foreach (var matching in new Func<IQueryable<Client>, IQueryable<Client>>[]
                 {
                     q => q.Where(c => c.NormalizedName.StartsWith(normalized)),
                     q => q.Where(c => c.NormalizedName.Contains(normalized)),
                 })
        {
            var ids = await matching(db.Clients.AsNoTracking()).Select(c => c.Id).Take(2).ToListAsync(cancellationToken);
            if (ids.Count > 0)
                return ids.Count == 1 ? ids[0] : null;
        }
        return null;
    }

    /// <summary>Close matches for a filter that matched nothing, to suggest in the answer.</summary>
    public static async Task<IReadOnlyList<string>> SuggestionsAsync(ChaseDbContext db, string text, CancellationToken cancellationToken = default)
    {
        var needle = Client.Normalize(text);
        if (needle.Length == 0)
            return [];
        // Client names are few (thousands at most): compare with all of them. Invoice numbers are many: only
        // those sharing the first characters, which is how a mistyped number usually still starts.
        var clients = await db.Clients.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Name).Take(20_000).ToListAsync(cancellationToken);
        var prefix = needle[..Math.Min(3, needle.Length)];
        var numbers = await db.Invoices.AsNoTracking().Where(i => i.Number.ToUpper().StartsWith(prefix))
            .Select(i => i.Number).Take(500).ToListAsync(cancellationToken);
        var tolerance = Math.Max(2, needle.Length / 4);
        return clients.Concat(numbers)
            .Select(name => (name, distance: Closeness(needle, Client.Normalize(name))))
            .Where(x => x.distance <= tolerance)
            .OrderBy(x => x.distance).ThenBy(x => x.name, StringComparer.Ordinal)
            .Select(x => x.name).Distinct().Take(5).ToList();
    }

    /// <summary>How far apart two names are, letting the typed text be the start of the name ("Blue Ridge").</summary>
    private static int Closeness(string typed, string name) =>
        name.Contains(typed, StringComparison.Ordinal)
            ? 0
            : Math.Min(Distance(typed, name), Distance(typed, name[..Math.Min(name.Length, typed.Length)]));

    internal static int Bucket(int daysOverdue) => daysOverdue switch
    {
        <= 0 => 0,
        <= 30 => 1,
        <= 60 => 2,
        <= 90 => 3,
        _ => 4,
    };

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
