using System.Diagnostics;
using System.Globalization;
using ChaseBot.Core;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

// Usage: [MAX_NEW_PROPOSALS=n] PlanningBench [invoices...]   (default: 10000 100000 1000000; clients = invoices / 20)
// For each size: a fresh SQLite database seeded with open invoices 0 to 90 days late, then ChaseRunner.PlanAsync
// (every invoice's situation read from the database and decided by ChasePolicy, nothing written), timed three
// times after a warm-up; the median is reported. Then one ChaseRunner.RunAsync, which also writes the day's steps, and
// then the Home tab an approver who owns every client would see (HomeOverview read and drawn, median of 3).
var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [10_000, 100_000, 1_000_000];
var today = new DateOnly(2026, 11, 23);
Console.WriteLine($"{Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd}; SQLite; as of {today:yyyy-MM-dd}");
Console.WriteLine($"{"invoices",-10} {"clients",-8} {"plan (median of 3)",-20} {"ms per 1,000",-10} {"decisions",-10} {"run (writes)",-12} {"home after a change: read / shown, unchanged (ms)",-50} {"totals EF / stepped (ms)",-25} first run wrote");
foreach (var invoices in sizes)
{
    var folder = Directory.CreateTempSubdirectory("chasebot-planning-bench-").FullName;
    var options = new DbContextOptionsBuilder<ChaseDbContext>();
    StorageRegistration.Configure(options, new DatabaseOptions(), $"Data Source={Path.Combine(folder, "ledger.db")}");
    var clients = Math.Max(1, invoices / 20);
    await SeedAsync(options.Options, invoices, clients, today);

    var factory = new PooledDbContextFactory<ChaseDbContext>(options.Options);
    // MAX_NEW_PROPOSALS=10000 lifts the per-run cap on new proposals (default 20), to see a first run that proposes for every case.
    var chaseOptions = new ChaseOptions();
    if (int.TryParse(Environment.GetEnvironmentVariable("MAX_NEW_PROPOSALS"), out var maxNew))
        chaseOptions.MaxNewProposalsPerRun = maxNew;
    var settings = new ChaseSettings(Options.Create(chaseOptions));
    var clock = new FixedClock(new DateTimeOffset(today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero));
    var runner = new ChaseRunner(factory, settings, clock);
    var decisions = (await runner.PlanAsync(today)).Count; // warm-up: JIT, EF's compiled queries
    var times = new List<double>();
    for (var i = 0; i < 3; i++)
    {
        var watch = Stopwatch.StartNew();
        await runner.PlanAsync(today);
        times.Add(watch.Elapsed.TotalSeconds);
    }
    var median = times.Order().ElementAt(1);
    // The first real run writes every decision (a first day decides ~3.5 per invoice): timed up to 100,000 invoices.
    var run = Stopwatch.StartNew();
    if (invoices <= 100_000)
        await runner.RunAsync(today);
    var ran = invoices <= 100_000 ? run.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "-";
    var wrote = invoices <= 100_000 ? await WrittenAsync(options.Options) : "-";
    var home = await HomeAsync(factory, chaseOptions, today);
    var (throughEf, stepped) = await TotalsAsync(factory, today);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{invoices,-10:N0} {clients,-8:N0} {median,-20:F2} {median * 1000 / invoices * 1000,-10:F1} {decisions,-10:N0} {ran,-12} {home.Changed,6:F0} / {home.Shown,6:F0}, {home.Unchanged,-34:F0} {throughEf,5:F0} / {stepped,-9:F0} {wrote}"));
    SqliteConnection.ClearAllPools();
    // KEEP=1 leaves the seeded ledger for sqlite3 (its path is printed).
    if (Environment.GetEnvironmentVariable("KEEP") == "1")
        Console.WriteLine($"  kept {Path.Combine(folder, "ledger.db")}");
    else
        Directory.Delete(folder, recursive: true);
}

// The Home tab of an approver who owns every client (so every reminder is theirs): read and drawn, median of 3 after a
// warm-up. First the opening after the ledger changed with its whole-ledger figures read afresh (no figures kept from
// before: the Bot's first opening of the day); then the opening after a change as the Bot shows it, with the figures
// from before kept (FiguresCache, Status:HomePatience 100 ms: past it, those are shown with their time and the new ones
// follow); then the opening while it is unchanged (the figures kept for the ledger's version).
static async Task<(double Changed, double Shown, double Unchanged)> HomeAsync(IDbContextFactory<ChaseDbContext> factory, ChaseOptions chase, DateOnly today)
{
    var homeOptions = new ChaseOptions { MaxNewProposalsPerRun = chase.MaxNewProposalsPerRun, Approvers = ["U0BENCH"], DefaultOwner = "U0BENCH" };
    var settings = new ChaseSettings(Options.Create(homeOptions));
    var roles = ChaseBot.Core.Commands.ChatRoles.From(new ChaseBot.Core.Commands.ChatOptions(), settings.Approvers);
    using var changes = new LedgerChanges(factory, TimeProvider.System);
    var kept = new ChaseBot.Core.Reports.FiguresCache(factory, changes, TimeProvider.System);
    async Task<double> MedianAsync(Func<ChaseBot.Core.Reports.FiguresCache> figures, bool change = false)
    {
        var times = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            if (change)
                await using (var writer = await factory.CreateDbContextAsync()) // a commit from another connection, as a command makes
                {
                    // A value that really changes: SQLite commits nothing for an UPDATE that leaves the row as it was.
                    var at = new DateTime(2026, 11, 23, 10, 0, i, DateTimeKind.Utc);
                    await writer.Database.ExecuteSqlAsync($"UPDATE Clients SET UpdatedAt = {at} WHERE Id = 1");
                }
            var watch = Stopwatch.StartNew();
            await using var db = await factory.CreateDbContextAsync();
            var overview = await ChaseBot.Core.Reports.HomeOverview.ForAsync(db, settings, roles, "U0BENCH", today, figures: figures());
            _ = ChaseBot.Core.Slack.BlockKit.Home(overview, settings.Ladder).ToJsonString();
            if (i > 0)
                times.Add(watch.Elapsed.TotalMilliseconds);
            if (overview.FiguresUpToDate is { } upToDate)
                await upToDate; // the next round's figures from before are this change's
        }
        return times.Order().ElementAt(1);
    }
    var changed = await MedianAsync(() => new ChaseBot.Core.Reports.FiguresCache(factory, changes, TimeProvider.System));
    var shown = await MedianAsync(() => kept, change: true);
    return (changed, shown, await MedianAsync(() => kept));
}

// The whole-ledger totals the Home tab and `/chase status` lead with, side by side: through EF, as they were read until
// issue 32, and as LedgerStatus reads them now (stepped through SQLitePCLRaw). Medians of 3 after a warm-up each.
static async Task<(double ThroughEf, double Stepped)> TotalsAsync(IDbContextFactory<ChaseDbContext> factory, DateOnly today)
{
    async Task<double> MedianAsync(Func<ChaseDbContext, Task> read)
    {
        var times = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            await using var db = await factory.CreateDbContextAsync();
            var watch = Stopwatch.StartNew();
            await read(db);
            if (i > 0)
                times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times.Order().ElementAt(1);
    }
    var throughEf = await MedianAsync(async db =>
    {
        var totals = new Dictionary<string, decimal[]>();
        await foreach (var i in db.Invoices.AsNoTracking().Outstanding().Select(i => new { i.Currency, i.AmountDue, i.DueDate }).AsAsyncEnumerable())
        {
            if (!totals.TryGetValue(i.Currency, out var buckets))
                totals[i.Currency] = buckets = new decimal[5];
            var days = Math.Max(0, today.DayNumber - i.DueDate.DayNumber);
            buckets[days <= 0 ? 0 : days <= 30 ? 1 : days <= 60 ? 2 : days <= 90 ? 3 : 4] += i.AmountDue;
        }
    });
    var stepped = await MedianAsync(db => ChaseBot.Core.Reports.LedgerStatus.SummaryAsync(db, today, mostOverdue: 0, CancellationToken.None));
    return (throughEf, stepped);
}

// What the first run left in the ledger: every table it writes to, counted with SQL so this reads the same on any commit.
static async Task<string> WrittenAsync(DbContextOptions<ChaseDbContext> options)
{
    await using var db = new ChaseDbContext(options);
    var connection = db.Database.GetDbConnection();
    await connection.OpenAsync();
    var counts = new List<string>();
    var total = 0L;
    foreach (var table in new[] { "ChaseSteps", "CaseSteps", "Proposals", "ProposalInvoices", "Cases", "Outbox", "AuditEntries" })
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'";
        if ((long)(await command.ExecuteScalarAsync())! == 0)
            continue;
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        var n = (long)(await command.ExecuteScalarAsync())!;
        total += n;
        counts.Add(string.Create(CultureInfo.InvariantCulture, $"{table} {n:N0}"));
    }
    return string.Create(CultureInfo.InvariantCulture, $"{total:N0} rows ({string.Join(", ", counts)})");
}

static async Task SeedAsync(DbContextOptions<ChaseDbContext> options, int invoices, int clients, DateOnly today)
{
    await using var db = new ChaseDbContext(options);
    await DatabaseMigrator.MigrateAsync(db);
    await using var transaction = await db.Database.BeginTransactionAsync();
    var now = DateTime.UtcNow;
    var rows = Enumerable.Range(0, clients).Select(c => new Client
    {
        Name = $"Client {c:D6}", NormalizedName = Client.Normalize($"Client {c:D6}"), BillingEmail = $"ap{c}@client.example",
        CreatedAt = now, UpdatedAt = now,
    }).ToList();
    db.Clients.AddRange(rows);
    await db.SaveChangesAsync();
    var random = new Random(42);
    var batch = new List<Invoice>(50_000);
    for (var i = 0; i < invoices; i++)
    {
        var total = 100 + random.Next(10_000);
        batch.Add(new Invoice
        {
            Source = "bench", Number = $"INV-{i:D7}", ClientId = rows[i % clients].Id, Currency = "USD",
            IssueDate = today.AddDays(-30 - random.Next(91)), DueDate = today.AddDays(-random.Next(91)),
            Total = total, AmountDue = total, Status = InvoiceStatus.Open, CreatedAt = now, UpdatedAt = now,
        });
        if (batch.Count == batch.Capacity)
        {
            await BulkInsert.InsertAsync(db, batch, CancellationToken.None);
            batch.Clear();
        }
    }
    await BulkInsert.InsertAsync(db, batch, CancellationToken.None);
    await transaction.CommitAsync();
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
