using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using ChaseBot.Tests.Exports;
using ChaseBot.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// The Worker killed (SIGKILL) at random points of a run — starting, creating and migrating the database, importing,
/// planning, delivering — and then run again: the ledger, the chase and what reached Slack come out as if nothing had
/// happened, and the rerun never hangs. Reminders also go by email to each client's billing address (a real SMTP server on
/// 127.0.0.1): an email in flight at the kill may arrive twice, with the same Message-ID (the documented window: no
/// mail server can be asked what it already took), and nothing else may. Each iteration starts from an empty database; every other kill is aimed at
/// 0.3-1.3 s after the start (start-up, creating and migrating the database, which a draw over the whole run rarely hits); the rest are
/// drawn over the whole run. CHASEBOT_CRASH_ITERATIONS asks for more (bench/crash-soak runs 1,000),
/// CHASEBOT_CRASH_ROWS for a smaller or larger export.
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class CrashTests(ITestOutputHelper output)
{
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("CHASEBOT_CRASH_ITERATIONS"), out var n) ? n : 8;
    private static readonly int Rows = int.TryParse(Environment.GetEnvironmentVariable("CHASEBOT_CRASH_ROWS"), out var r) ? r : 600;

    private static readonly DateOnly RunDay = new(2026, 11, 23);

    /// <summary>A rerun that has not finished in this time is a hang (the reference run takes a few seconds).</summary>
    private static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Killed_at_random_points_and_restarted_the_Worker_ends_with_the_same_ledger_and_chase_and_posts_nothing_twice_to_Slack()
    {
        var root = Directory.CreateTempSubdirectory("chasebot-crash-").FullName;
        var exports = Directory.CreateDirectory(Path.Combine(root, "exports")).FullName;
        XeroExportGenerator.Write(Path.Combine(exports, "xero.csv"), rows: Rows, emails: true); // 600 rows: 200 invoices, one per client
        File.Copy(Samples.File("stripe-invoices.csv"), Path.Combine(exports, "stripe.csv"));
        // And 60 clients with an invoice 3 to 12 days late on the run's day (one export is all of Xero's invoices): each is
        // reminded, in chat and by email.
        File.AppendAllLines(Path.Combine(exports, "xero.csv"), Enumerable.Range(1, 60).Select(n =>
            $"Recent {n},accounts@recent-{n}.example,REC-{n:D3},01/10/2026,{RunDay.AddDays(-3 - n % 10):dd/MM/yyyy},{100 + n}.00,0.00,{100 + n}.00,NZD,Sales invoice,Awaiting Payment"));
        // The reference: one uninterrupted run.
        var reference = await RunAsync(root, "reference", killAfter: null);
        Assert.True(reference.Outbox.Count >= Rows / 6, $"only {reference.Outbox.Count} messages: too small a run to kill in");
        Assert.True(reference.Mails.Count >= 60, $"only {reference.Mails.Count} emails");
        var fullRun = reference.Elapsed;
        output.WriteLine($"reference run: {fullRun.TotalSeconds:F1} s, {reference.Steps.Count} chase steps, {reference.Outbox.Count} messages " +
                         $"({reference.Mails.Count} by email)");

        var random = new Random(20261121);
        var phases = new Dictionary<string, int>();
        var duplicates = 0;
        var (emailedTwice, mostEmailedTwice) = (0, 0);
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < Iterations; i++)
        {
            var killAfter = TimeSpan.FromMilliseconds(i % 2 == 0
                ? random.Next(300, 1300) // start-up: the process starting, the database created and migrated
                : random.Next(300, (int)fullRun.TotalMilliseconds));
            var crashed = await RunAsync(root, $"crash-{i}", killAfter);
            phases[crashed.KilledIn!] = phases.GetValueOrDefault(crashed.KilledIn!) + 1;
            slowest = crashed.Rerun > slowest ? crashed.Rerun : slowest;

            Assert.Equal(reference.Ledger, crashed.Ledger);
            Assert.Equal(reference.Steps, crashed.Steps);
            // The same messages, but for the "Sent to …" updates: whether a reminder's email went before or after its post
            // decides whether the line is in the post or added by an update (OutboxKey.Sent), in any run, killed or not.
            Assert.Equal(reference.Outbox.Select(m => m.Key).Where(NotSentUpdate), crashed.Outbox.Select(m => m.Key).Where(NotSentUpdate));
            Assert.All(crashed.Outbox, m => Assert.NotNull(m.DeliveredAt)); // nothing due was skipped or left behind

            // What reached Slack in this iteration: every message exactly once. A post in flight when the Worker was killed
            // is found again by the key in its metadata (a shared digest by its file's name), never posted a second time.
            var posts = crashed.Posts;
            var repeated = posts.GroupBy(p => p).Where(g => g.Count() > 1).ToList();
            var twice = repeated.Sum(g => g.Count() - 1);
            Assert.Equal(crashed.Outbox.Count(m => m.Platform == "slack" && !m.IsUpdate), posts.Distinct().Count());
            // Email: every message arrived, and any arriving twice is one in flight at the kill (the drain sends to at most
            // Slack:ParallelChannels addresses and channels at once), sent again with its own Message-ID.
            Assert.Equal(reference.Mails.Order(), crashed.Mails.Distinct().Order());
            var mailedAgain = crashed.Mails.Count - crashed.Mails.Distinct().Count();
            Assert.True(mailedAgain <= 8, $"iteration {i}: {mailedAgain} emails sent twice, more than were in flight at once");
            (emailedTwice, mostEmailedTwice) = (emailedTwice + mailedAgain, Math.Max(mostEmailedTwice, mailedAgain));
            var where = $"iteration {i} (killed after {killAfter.TotalMilliseconds} ms, {crashed.KilledIn})";
            Assert.True(twice == 0, $"{where}: {twice} posts sent twice: " + string.Join(", ", repeated.Select(g => g.Key.Channel)));
            duplicates += twice;
        }
        output.WriteLine($"{Iterations} kills: " + string.Join(", ", phases.OrderByDescending(p => p.Value).Select(p => $"{p.Value} while {p.Key}")) +
                         $"; Slack posts sent twice: {duplicates}; emails sent twice (the window): {emailedTwice}, at most {mostEmailedTwice} in one kill; " +
                         $"reruns that hung (no exit within {HangAfter.TotalSeconds:0} s): 0; slowest rerun {slowest.TotalSeconds:F1} s");
    }

    private sealed record Outcome(string Ledger, List<string> Steps, List<OutboxRow> Outbox, TimeSpan Elapsed, string? KilledIn,
        List<(string? Channel, string? Text)> Posts, TimeSpan Rerun, List<string> Mails);

    private static bool NotSentUpdate(string key) => !key.StartsWith(Core.Delivery.OutboxKey.Sent("").Value, StringComparison.Ordinal);

    private sealed record OutboxRow(string Key, DateTime? DeliveredAt, string? Platform, bool IsUpdate);

    /// <summary>run-once on a fresh database; if <paramref name="killAfter"/> is set, killed then and run again to the end.</summary>
    private static async Task<Outcome> RunAsync(string root, string name, TimeSpan? killAfter)
    {
        await using var slack = await FakeSlack.StartAsync();
        slack.Latency = TimeSpan.FromMilliseconds(3);
        await using var mail = await TestMailServer.StartAsync();
        var database = Path.Combine(root, name + ".db");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Chase"] = $"Data Source={database}",
            ["Exports:Folder"] = Path.Combine(root, "exports"),
            ["Chase:QuietHoursStart"] = "00:00", // deliver whenever the test runs
            ["Chase:QuietHoursEnd"] = "00:00",
            ["Chase:QuietDays:0"] = "",
            ["Slack:BotToken"] = FakeSlack.Token,
            ["Slack:SigningSecret"] = "crash-test-signing-secret",
            ["Slack:ApiBaseUrl"] = slack.ApiUrl,
            ["Slack:PostInterval"] = "00:00:00",
            ["Delivery:Lease"] = "00:00:01", // a killed Worker's claim runs out quickly, so the rerun can send it
            ["Chase:MaxNewProposalsPerRun"] = "10000", // a whole day's proposals, so there is plenty to be killed in the middle of
            ["Email:Host"] = "127.0.0.1", ["Email:Port"] = mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Security"] = "none", ["Email:From"] = "accounts@studio.example", ["Email:SendReminders"] = "true",
        };
        string[] args = ["run-once", "--as-of", RunDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)];
        var started = DateTime.UtcNow;
        string? killedIn = null;
        if (killAfter is { } delay)
        {
            await using var doomed = WorkerProcess.Start(root, settings, args);
            await Task.Delay(delay);
            await doomed.KillAsync();
            killedIn = await PhaseAsync(database);
            await Task.Delay(TimeSpan.FromSeconds(1.1)); // past the lease
        }
        var rerun = System.Diagnostics.Stopwatch.StartNew();
        await using (var worker = WorkerProcess.Start(root, settings, args))
        {
            int code;
            try
            {
                code = await worker.WaitForExitAsync(HangAfter);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"{name}: the run after the kill ({killedIn}) hung: nothing for {HangAfter.TotalSeconds:0} s. " +
                                                   string.Join('\n', worker.StandardError.Concat(worker.Output.TakeLast(10))));
            }
            Assert.True(code == 0, $"{name}: exit {code}: {string.Join('\n', worker.StandardError)}");
        }
        var elapsed = DateTime.UtcNow - started;

        await using var db = new ChaseDbContext(TestDatabase.OptionsFor($"Data Source={database}"));
        var ledger = string.Join('\n', await db.Invoices.OrderBy(i => i.Source).ThenBy(i => i.Number)
            .Select(i => $"{i.Source}/{i.Number} {i.Total} {i.AmountPaid} {i.Status} {i.MissingSince}").ToListAsync());
        var numbers = await db.Invoices.ToDictionaryAsync(i => i.Id, i => i.Number);
        var clients = await db.Clients.ToDictionaryAsync(c => c.Id, c => c.Name);
        var cases = await db.Cases.ToDictionaryAsync(c => c.Id, c => $"{clients[c.ClientId]}/{c.Currency}");
        // Each invoice's reminders and each case's rungs: a rerun after a kill must decide exactly the same.
        var steps = (await db.ChaseSteps.ToListAsync()).Select(s => $"{numbers[s.InvoiceId]} {s.Step} {s.Outcome}")
            .Concat((await db.CaseSteps.ToListAsync()).Select(s => $"case {cases[s.CaseId]} {s.Step} {s.Outcome}")).Order().ToList();
        var outbox = await db.Outbox.OrderBy(m => m.Key).Select(m => new OutboxRow(m.Key, m.DeliveredAt, m.Platform, m.Replaces != null)).ToListAsync();
        SqliteConnection.ClearAllPools();
        var posts = slack.Accepted.Values.Select(c => (c.Body["channel"]?.ToString(), c.Body["text"]?.ToString())).ToList();
        var mails = mail.Received.Select(m => m.Message.MessageId ?? "(none)").ToList();
        return new Outcome(ledger, steps, outbox, elapsed, killedIn, posts, rerun.Elapsed, mails);
    }

    /// <summary>How many migrations the schema has (ChaseBot.Core's Storage/Migrations).</summary>
    private static readonly int Migrations = typeof(ChaseDbContext).Assembly.GetTypes()
        .Count(t => t.GetCustomAttributes(typeof(Microsoft.EntityFrameworkCore.Migrations.MigrationAttribute), false).Length > 0);

    /// <summary>Where the run was when it died, read from what it left in the database.</summary>
    private static async Task<string> PhaseAsync(string database)
    {
        if (!File.Exists(database))
            return "starting";
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadWrite"); // read-only cannot recover a dead writer's WAL
        await connection.OpenAsync();
        async Task<long> CountAsync(string sql)
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                return (long)(await command.ExecuteScalarAsync())!;
            }
            catch (SqliteException) { return -1; } // not migrated yet
        }
        var tables = await CountAsync("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'");
        var migrated = await CountAsync("SELECT COUNT(*) FROM \"__EFMigrationsHistory\"");
        var phase = tables <= 0 ? "creating the database"
            : migrated < Migrations || await CountAsync("SELECT COUNT(*) FROM \"__EFMigrationsLock\"") > 0 ? "migrating"
            : await CountAsync("SELECT COUNT(*) FROM ImportRuns WHERE Outcome = 'Imported'") switch
        {
            < 0 => "migrating",
            < 2 => "importing",
            _ => await CountAsync("SELECT COUNT(*) FROM Outbox") == 0 ? "planning" :
                await CountAsync("SELECT COUNT(*) FROM Outbox WHERE DeliveredAt IS NULL") > 0 ? "delivering" : "finishing",
        };
        SqliteConnection.ClearPool(connection);
        return phase;
    }
}
