using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using ChaseBot.Tests.Exports;
using ChaseBot.Tests.Support;
using ChaseBot.Tests.Teams;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// The Worker killed (SIGKILL) at random points of a run — starting, creating and migrating the database, importing,
/// planning, delivering — and then run again: the ledger, the chase and what reached Slack come out as if nothing had
/// happened, and the rerun never hangs. Reminders also go by email to each client's billing address (a real SMTP server on
/// 127.0.0.1), and every other run sends a third of the clients' messages to Teams (a fake Bot Connector): an email or a
/// Teams card in flight at the kill may arrive twice (the documented window: neither a mail server nor the Bot Connector
/// can be asked what it already took), and nothing else may. Every other kill is aimed at 0.3-1.3 s after the start of a
/// run on an empty database (start-up, creating and migrating the database, which a draw over the whole run rarely hits);
/// the rest are drawn over the whole of a run on a migrated database where the bot was installed in six Teams channels
/// (conversation references exist only once Teams has spoken to the bot). CHASEBOT_CRASH_ITERATIONS asks for more
/// (bench/crash-soak runs 1,000), CHASEBOT_CRASH_ROWS for a smaller or larger export, CHASEBOT_CRASH_LANES for kills run
/// side by side (each in its own database, fake Slack, Bot Connector and mail server).
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class CrashTests(ITestOutputHelper output)
{
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("CHASEBOT_CRASH_ITERATIONS"), out var n) ? n : 8;
    private static readonly int Rows = int.TryParse(Environment.GetEnvironmentVariable("CHASEBOT_CRASH_ROWS"), out var r) ? r : 600;
    /// <summary>How many kills run at once (bench/crash-soak: 3, the 2-core machine's CPU otherwise idles through the waits).</summary>
    /// <summary>A file each kill's outcome is added to as it ends (bench/crash-soak sets it).</summary>
    private static readonly string? Progress = Environment.GetEnvironmentVariable("CHASEBOT_CRASH_PROGRESS") is { Length: > 0 } p ? p : null;
    private static readonly int Lanes = int.TryParse(Environment.GetEnvironmentVariable("CHASEBOT_CRASH_LANES"), out var l) ? Math.Max(1, l) : 1;

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
        var installed = await InstalledInTeamsAsync(root);
        // The references: one uninterrupted run of each kind.
        var reference = await RunAsync(root, "reference", killAfter: null);
        Assert.True(reference.Outbox.Count >= Rows / 6, $"only {reference.Outbox.Count} messages: too small a run to kill in");
        Assert.True(reference.Mails.Count >= 60, $"only {reference.Mails.Count} emails");
        var withTeams = await RunAsync(root, "reference-teams", killAfter: null, installed);
        Assert.True(withTeams.Cards.Count >= 20, $"only {withTeams.Cards.Count} Teams cards");
        Assert.True(withTeams.Posts.Count >= 20, $"only {withTeams.Posts.Count} Slack posts beside the Teams cards");
        foreach (var (name, run) in new[] { ("reference run", reference), ("reference run with Teams", withTeams) })
            output.WriteLine($"{name}: {run.Elapsed.TotalSeconds:F1} s, {run.Steps.Count} chase steps, {run.Outbox.Count} messages " +
                             $"({run.Posts.Count} Slack posts, {run.Cards.Count} Teams cards, {run.Mails.Count} emails)");

        // Kills side by side make each run slower: the whole-run kills are drawn over a run as long as it takes in lanes.
        var wholeRun = withTeams.Elapsed;
        if (Lanes > 1)
        {
            var loaded = await Task.WhenAll(Enumerable.Range(0, Lanes).Select(n => RunAsync(root, $"reference-teams-{n}", killAfter: null, installed)));
            wholeRun = TimeSpan.FromTicks((long)loaded.Average(r => r.Elapsed.Ticks));
            output.WriteLine($"a run with Teams, {Lanes} side by side: {wholeRun.TotalSeconds:F1} s");
        }
        // The kills are drawn in order, so where they land does not depend on how many run at once.
        var random = new Random(20261121);
        var kills = Enumerable.Range(0, Iterations).Select(i => (Iteration: i, StartUp: i % 2 == 0, After: TimeSpan.FromMilliseconds(i % 2 == 0
            ? random.Next(300, 1300) // start-up: the process starting, the database created and migrated
            : random.Next(300, (int)wholeRun.TotalMilliseconds)))).ToList();
        var phases = new Dictionary<string, int>();
        var duplicates = 0;
        var (emailedTwice, mostEmailedTwice) = (0, 0);
        var (cardsTwice, mostCardsTwice) = (0, 0);
        var slowest = TimeSpan.Zero;
        var tally = new Lock();
        await Parallel.ForEachAsync(kills, new ParallelOptions { MaxDegreeOfParallelism = Lanes }, async (kill, _) =>
        {
            var (i, startUp, killAfter) = kill;
            var crashed = await RunAsync(root, $"crash-{i}", killAfter, startUp ? null : installed);
            var expected = startUp ? reference : withTeams;
            Assert.Equal(expected.Ledger, crashed.Ledger);
            Assert.Equal(expected.Steps, crashed.Steps);
            // The same messages, but for the "Sent to …" updates: whether a reminder's email went before or after its post
            // decides whether the line is in the post or added by an update (OutboxKey.Sent), in any run, killed or not.
            Assert.Equal(expected.Outbox.Select(m => m.Key).Where(NotSentUpdate).Select(OfAnyDay), crashed.Outbox.Select(m => m.Key).Where(NotSentUpdate).Select(OfAnyDay));
            Assert.All(crashed.Outbox, m => Assert.NotNull(m.DeliveredAt)); // nothing due was skipped or left behind

            // What reached Slack in this iteration: every message exactly once. A post in flight when the Worker was killed
            // is found again by the key in its metadata (a shared digest by its file's name), never posted a second time.
            var posts = crashed.Posts;
            var repeated = posts.GroupBy(p => p).Where(g => g.Count() > 1).ToList();
            var twice = repeated.Sum(g => g.Count() - 1);
            Assert.Equal(crashed.Outbox.Count(m => m.Platform == "slack" && !m.IsUpdate), posts.Distinct().Count());
            // Email and Teams: every message arrived, and any arriving twice is one in flight at the kill (the drain sends to
            // at most ParallelChannels addresses, channels and conversations at once, 8), sent again: an email with its own
            // Message-ID, a card as the same card. (A card's text may differ from the reference's: whether a reminder's email
            // went before or after its card decides whether "Sent to …" is in the card or added by an update.)
            Assert.Equal(expected.Mails.Order(), crashed.Mails.Distinct().Order());
            Assert.Equal(crashed.Outbox.Count(m => m.Platform == "teams" && !m.IsUpdate), crashed.Cards.Distinct().Count());
            var mailedAgain = crashed.Mails.Count - crashed.Mails.Distinct().Count();
            var postedAgain = crashed.Cards.Count - crashed.Cards.Distinct().Count();
            var where = $"iteration {i} (killed after {killAfter.TotalMilliseconds} ms, {crashed.KilledIn})";
            Assert.True(mailedAgain + postedAgain <= 8,
                $"{where}: {mailedAgain} emails and {postedAgain} Teams cards sent twice, more than were in flight at once");
            Assert.True(twice == 0, $"{where}: {twice} posts sent twice: " + string.Join(", ", repeated.Select(g => g.Key.Channel)));
            lock (tally)
            {
                phases[crashed.KilledIn!] = phases.GetValueOrDefault(crashed.KilledIn!) + 1;
                slowest = crashed.Rerun > slowest ? crashed.Rerun : slowest;
                (emailedTwice, mostEmailedTwice) = (emailedTwice + mailedAgain, Math.Max(mostEmailedTwice, mailedAgain));
                (cardsTwice, mostCardsTwice) = (cardsTwice + postedAgain, Math.Max(mostCardsTwice, postedAgain));
                duplicates += twice;
                if (Progress is { } progress) // a long soak's tally so far, in case it is stopped before the end
                    File.AppendAllText(progress, $"{DateTime.UtcNow:HH:mm:ss} kill {i}: {crashed.KilledIn}, Slack twice {twice}, Teams twice {postedAgain}, " +
                                                 $"emails twice {mailedAgain}, rerun {crashed.Rerun.TotalSeconds:F1} s\n");
            }
        });
        output.WriteLine($"{Iterations} kills: " + string.Join(", ", phases.OrderByDescending(p => p.Value).Select(p => $"{p.Value} while {p.Key}")) +
                         $"; Slack posts sent twice: {duplicates}; Teams cards sent twice (the window): {cardsTwice}, at most {mostCardsTwice} in one kill; " +
                         $"emails sent twice (the window): {emailedTwice}, at most {mostEmailedTwice} in one kill; " +
                         $"reruns that hung (no exit within {HangAfter.TotalSeconds:0} s): 0; slowest rerun {slowest.TotalSeconds:F1} s");
    }

    private sealed record Outcome(string Ledger, List<string> Steps, List<OutboxRow> Outbox, TimeSpan Elapsed, string? KilledIn,
        List<(string? Channel, string? Text)> Posts, TimeSpan Rerun, List<string> Mails, List<string> Cards);

    /// <summary>
    /// A key without the day of the scheduled digest: run-once's --as-of is the chase's day, while the digest is the real
    /// day's, which a soak running past midnight changes between the uninterrupted run and the later ones.
    /// </summary>
    private static string OfAnyDay(string key) =>
        System.Text.RegularExpressions.Regex.Replace(key, @"^digest:scheduled:\d{4}-\d{2}-\d{2}:", "digest:scheduled:(day):");

    private static bool NotSentUpdate(string key) => !key.StartsWith(Core.Delivery.OutboxKey.Sent("").Value, StringComparison.Ordinal);

    private sealed record OutboxRow(string Key, DateTime? DeliveredAt, string? Platform, bool IsUpdate);

    /// <summary>
    /// run-once on a fresh database, or on a copy of <paramref name="installed"/> with Teams on; if <paramref name="killAfter"/>
    /// is set, killed then and run again to the end.
    /// </summary>
    private static async Task<Outcome> RunAsync(string root, string name, TimeSpan? killAfter, string? installed = null)
    {
        await using var slack = await FakeSlack.StartAsync();
        slack.Latency = TimeSpan.FromMilliseconds(3);
        await using var mail = await TestMailServer.StartAsync();
        await using var teams = await FakeBotConnector.StartAsync();
        var database = Path.Combine(root, name + ".db");
        if (installed is not null)
        {
            File.Copy(installed, database);
            await using var copy = new ChaseDbContext(TestDatabase.OptionsFor($"Data Source={database}"));
            await copy.ConversationReferences.ExecuteUpdateAsync(r => r.SetProperty(c => c.ServiceUrl, teams.BaseUrl)); // this run's Connector
            SqliteConnection.ClearAllPools(); // the Worker alone holds the file
        }
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
        if (installed is not null)
        {
            settings["Teams:AppId"] = FakeBotFrameworkKeys.AppId;
            settings["Teams:AppPassword"] = "app-password";
            settings["Teams:TokenEndpoint"] = teams.TokenUrl;
            settings["Teams:PostInterval"] = "00:00:00";
        }
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
        var cards = teams.Accepted.Select(a => $"{a.Key[..a.Key.LastIndexOf('/')]} {a.Value.Body.ToJsonString()}").ToList();
        return new Outcome(ledger, steps, outbox, elapsed, killedIn, posts, rerun.Elapsed, mails, cards);
    }

    /// <summary>
    /// A migrated database where ChaseBot was added to six Teams channels (their conversation references stored, as the
    /// Bot stores them when Teams tells it) and a third of the export's clients were pointed at one of them in chat.
    /// </summary>
    private static async Task<string> InstalledInTeamsAsync(string root)
    {
        var path = Path.Combine(root, "installed-in-teams.db");
        var at = RunDay.AddDays(-30).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await using (var db = new ChaseDbContext(TestDatabase.OptionsFor($"Data Source={path}")))
        {
            await DatabaseMigrator.MigrateAsync(db);
            string Conversation(int n) => $"19:crash-{n % 6}@thread.tacv2";
            db.ConversationReferences.AddRange(Enumerable.Range(0, 6).Select(n => new Core.Teams.ConversationReference
            {
                ConversationId = Conversation(n), ServiceUrl = "http://127.0.0.1:9/", TenantId = "tenant-1", BotId = "28:chasebot",
                ConversationType = "channel", CreatedAt = at, UpdatedAt = at,
            }));
            var names = Enumerable.Range(0, 200).Where(n => n % 3 == 0).Select(n => $"Client {n}")
                .Concat(Enumerable.Range(1, 60).Where(n => n % 3 == 0).Select(n => $"Recent {n}"));
            db.Clients.AddRange(names.Select((name, n) => new Client
            {
                Name = name, NormalizedName = Client.Normalize(name), Channel = ChatTarget.TeamsPrefix + Conversation(n), CreatedAt = at, UpdatedAt = at,
            }));
            await db.SaveChangesAsync();
        }
        SqliteConnection.ClearAllPools();
        return path;
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
