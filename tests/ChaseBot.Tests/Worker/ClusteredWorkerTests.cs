using System.Text.Json;
using ChaseBot.Core.Storage;
using ChaseBot.Tests.Exports;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Worker;

/// <summary>
/// Scale-out on PostgreSQL: two Worker processes share one database and one clustered Quartz schedule. Every job fires
/// every second or two, so in half a minute there are dozens of firings both Workers could take.
/// </summary>
[Collection(nameof(MeasuredAlone))] // two processes on a 2-core machine: keep other tests off the clock
public sealed class ClusteredWorkerTests
{
    [Fact]
    public async Task Two_Workers_run_each_firing_once_never_post_twice_and_the_survivor_takes_over_when_one_is_killed()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        await using var slack = await FakeSlack.StartAsync();
        var folder = Directory.CreateTempSubdirectory("chasebot-cluster-").FullName;
        var exports = Directory.CreateDirectory(Path.Combine(folder, "exports")).FullName;
        File.Copy(Samples.File("stripe-invoices.csv"), Path.Combine(exports, "stripe.csv"));
        File.Copy(Samples.File("xero-invoices-nz.csv"), Path.Combine(exports, "xero.csv"));
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Chase"] = database.ConnectionString,
            ["Exports:Folder"] = exports,
            ["Exports:SettleTime"] = "00:00:00",
            ["Exports:Schedule"] = "0/2 * * * * ?",
            ["Chase:Schedule"] = "1/2 * * * * ?",
            ["Morale:Schedule"] = "0/3 * * * * ?", // weekly in real life; here every 3 s, and still once per person
            ["Digest:Schedule"] = "0/3 * * * * ?", // daily in real life; here every 3 s, and still once a day
            ["Delivery:Schedule"] = "0/1 * * * * ?",
            ["Chase:QuietHoursStart"] = "00:00", // no quiet hours or days: deliver whenever the test runs
            ["Chase:QuietHoursEnd"] = "00:00",
            ["Chase:QuietDays:0"] = "",
            ["Slack:BotToken"] = FakeSlack.Token,
            ["Slack:SigningSecret"] = "cluster-test-signing-secret",
            ["Slack:ApiBaseUrl"] = slack.ApiUrl,
            ["Worker:ClusterCheckinInterval"] = "00:00:01",
            // Long enough that a Worker slowed by a busy machine is not taken for dead while it still runs (both would
            // then fire the same trigger); the takeover below waits on a condition, so it only costs time when it happens.
            ["Worker:ClusterFailoverAfter"] = "00:00:10",
        };

        await using var first = WorkerProcess.Start(folder, settings);
        await using var second = WorkerProcess.Start(folder, settings);
        await Task.WhenAll(first.WaitUntilReadyAsync(Patience), second.WaitUntilReadyAsync(Patience));

        // Both Workers at work until the day's chase has been delivered, and a few firings more.
        var options = Options(database.ConnectionString);
        await WaitUntilAsync(async () =>
        {
            await using var db = new ChaseDbContext(options);
            return await db.Outbox.CountAsync() > 0 && await db.Outbox.AllAsync(m => m.DeliveredAt != null);
        }, "the chase was never delivered");
        var firedSoFar = Firings(first).Count() + Firings(second).Count();
        await WaitUntilAsync(() => Task.FromResult(Firings(first).Count() + Firings(second).Count() >= firedSoFar + 3),
            "the schedule stopped firing after the chase was delivered");

        // Kill whichever Worker ran the latest firing, mid-schedule, and drop a new export with a new overdue invoice.
        var (victim, survivor) = LatestFiring(first) >= LatestFiring(second) ? (first, second) : (second, first);
        await victim.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        var due = DateTime.UtcNow.AddDays(-5).ToString("yyyy-MM-dd HH:mm:ss");
        File.WriteAllText(Path.Combine(exports, "stripe-later.csv"),
            "id,Number,Customer,Customer Name,Customer Email,Status,Currency,Amount Due,Amount Paid,Amount Remaining,Total,Date (UTC),Due Date (UTC),Paid At (UTC)\n" +
            $"in_takeover1,TAKEOVER-1,cus_takeover,Takeover Test Ltd,ap@takeover.example,open,usd,990.00,0.00,990.00,990.00,{due},{due},\n");
        var posts = () => slack.Posts.ToList();
        await WaitUntilAsync(() => Task.FromResult(posts().Any(c => c.Body.ToJsonString().Contains("TAKEOVER-1"))),
            "the surviving Worker never chased the invoice exported after the other was killed");
        // The takeover may begin with recovered firings of the dead Worker's triggers; wait for the survivor's own.
        await WaitUntilAsync(() => Task.FromResult(new[] { "import-exports", "chase", "outbox" }
                .All(job => Firings(survivor).Any(f => f.Job == job && f.ScheduledFor > killedAt))),
            "the surviving Worker did not take the whole schedule over");
        Assert.Equal(0, await survivor.TerminateAsync(Patience));

        // Each firing ran on exactly one Worker.
        var firings = Firings(first).Concat(Firings(second)).ToList();
        var twice = firings.GroupBy(f => (f.Job, f.ScheduledFor)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, "fired twice: " + string.Join(", ", twice));
        // All five jobs this test schedules ran in the cluster (the books' sync fires too when a quarter hour passes, on its own schedule).
        Assert.Superset(new HashSet<string> { "import-exports", "chase", "morale", "digest", "outbox" }, firings.Select(f => f.Job).ToHashSet());
        // After the kill, the survivor took the schedule over.
        Assert.Contains(Firings(survivor), f => f.Job == "import-exports" && f.ScheduledFor > killedAt);
        Assert.Contains(Firings(survivor), f => f.Job == "chase" && f.ScheduledFor > killedAt);
        Assert.Contains(Firings(survivor), f => f.Job == "outbox" && f.ScheduledFor > killedAt);

        // Nothing was posted twice, and every post is one delivered outbox row, but for one the killed Worker had in flight:
        // accepted by Slack, never recorded, and still claimed (Delivery:Lease, 5 minutes, outlasts this test; once it ends
        // the survivor finds the post in the channel's history by its key and records it, which CrashTests checks).
        var sent = posts().Select(c => (Channel: c.Body["channel"]?.ToString(), Text: c.Body["text"]?.ToString())).ToList();
        Assert.Equal(sent.Count, sent.Distinct().Count());
        await using var after = new ChaseDbContext(options);
        var delivered = await after.Outbox.CountAsync(m => m.DeliveredAt != null);
        var inFlight = await after.Outbox.CountAsync(m => m.DeliveredAt == null && m.ClaimedUntil > DateTime.UtcNow);
        Assert.InRange(sent.Count, delivered, delivered + inFlight);
        Assert.Single(sent, s => s.Text!.Contains("TAKEOVER-1"));
        Assert.Equal(1, await after.Digests.CountAsync());
    }

    [Fact]
    public async Task A_Worker_started_before_its_database_exists_is_live_not_ready_and_becomes_ready_when_it_appears()
    {
        await using var database = await PostgresServer.NameDatabaseAsync();
        var folder = Directory.CreateTempSubdirectory("chasebot-cluster-").FullName;
        await using var worker = WorkerProcess.Start(folder, new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Chase"] = database.ConnectionString,
            ["Exports:Folder"] = folder,
        });
        using var http = new HttpClient { BaseAddress = new Uri(worker.HealthUrl) };
        string? live = null;
        for (var deadline = DateTime.UtcNow + Patience; live is null && DateTime.UtcNow < deadline; await Task.Delay(100))
            try { live = await http.GetStringAsync("/healthz"); }
            catch (HttpRequestException) { /* not listening yet */ }
        var notReady = await http.GetAsync("/readyz");

        await database.CreateAsync();
        await worker.WaitUntilReadyAsync(Patience); // the migration retries every 5 s, then Quartz starts

        Assert.Equal("ok", live);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("the scheduler is not running", await notReady.Content.ReadAsStringAsync());
        Assert.False(worker.HasExited);
        await using var db = new ChaseDbContext(Options(database.ConnectionString));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    /// <summary>A bound on waiting for a condition, not a sleep: generous, because a loaded 2-core machine can be slow.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private static DbContextOptions<ChaseDbContext> Options(string connectionString) =>
        TestDatabase.OptionsFor(connectionString, DatabaseProvider.Postgres);

    private sealed record Firing(string Job, DateTimeOffset ScheduledFor, bool Recovering);

    /// <summary>The firings a Worker logged (JobRunLog), recoveries of a dead Worker's firings left out.</summary>
    private static IEnumerable<Firing> Firings(WorkerProcess worker) =>
        worker.Log.Where(l => l.GetProperty("Category").GetString() == "ChaseBot.Worker.Scheduling.JobRunLog" &&
                              l.GetProperty("State").TryGetProperty("Recovering", out _))
            .Select(l => l.GetProperty("State"))
            .Select(s => new Firing(s.GetProperty("Job").GetString()!,
                DateTimeOffset.Parse(s.GetProperty("ScheduledFireTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                s.GetProperty("Recovering").GetString() is { Length: > 0 }))
            .Where(f => !f.Recovering);

    private static DateTimeOffset LatestFiring(WorkerProcess worker) =>
        Firings(worker).Select(f => f.ScheduledFor).DefaultIfEmpty(DateTimeOffset.MinValue).Max();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        for (var deadline = DateTime.UtcNow + Patience; DateTime.UtcNow < deadline; await Task.Delay(250))
            if (await condition())
                return;
        throw new TimeoutException(failure);
    }
}
