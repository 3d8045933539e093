using ChaseBot.Tests.Support;
using static ChaseBot.Tests.Support.PrometheusText;

namespace ChaseBot.Tests.Worker;

/// <summary>/metrics on the Worker service, its own process: the import, the chase run and a dead letter each show.</summary>
public sealed class WorkerMetricsTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task An_import_a_run_a_delivery_and_a_dead_letter_each_move_the_Workers_metrics()
    {
        await using var slack = await FakeSlack.StartAsync();
        // The first post Slack refuses for good (the channel is gone): that message is dead-lettered, the rest are sent.
        slack.Script(new SlackAnswer(Json: """{"ok":false,"error":"channel_not_found"}"""));
        var exports = Directory.CreateDirectory(Path.Combine(_db.Folder, "exports")).FullName;
        File.Copy(Samples.File("xero-invoices-nz.csv"), Path.Combine(exports, "xero-invoices-nz.csv"));
        var settings = WorkerProcess.EverySecond(_db.Path, exports, slack);
        await using var worker = WorkerProcess.Start(_db.Folder, settings);
        await worker.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri(worker.HealthUrl) };

        var scrape = "";
        for (var tries = 0; tries < 150; tries++)
        {
            scrape = await http.GetStringAsync("/metrics");
            if (Value(scrape, "chasebot_messages_total", "outcome=\"sent\"") > 0 && Value(scrape, "chasebot_messages_total", "outcome=\"dead_lettered\"") > 0)
                break;
            await Task.Delay(200);
        }
        // The ledger's gauges are read at most every few seconds (LedgerGauges.Fresh): a reading after the run shows it.
        for (var tries = 0; tries < 75 && (Value(scrape, "chasebot_import_lag_seconds", "source=\"files\"") is null ||
                                            Value(scrape, "chasebot_proposals", "state=\"pending\"") is null); tries++)
        {
            await Task.Delay(200);
            scrape = await http.GetStringAsync("/metrics");
        }

        Assert.True(Value(scrape, "chasebot_import_duration_seconds_count", "source=\"files\"", "outcome=\"imported\"") >= 1, scrape);
        Assert.True(Value(scrape, "chasebot_import_lag_seconds", "source=\"files\"") is not null, scrape);
        Assert.True(Value(scrape, "chasebot_messages_total", "platform=\"slack\"", "outcome=\"sent\"") >= 1, scrape);
        Assert.Equal(1, Value(scrape, "chasebot_messages_total", "platform=\"slack\"", "outcome=\"dead_lettered\""));
        Assert.True(Value(scrape, "chasebot_proposals", "state=\"pending\"") >= 1, scrape);
        Assert.True(Values(scrape, "chasebot_overdue_amount", "currency=\"NZD\"").Sum() > 0, scrape);
        Assert.NotNull(Value(scrape, "chasebot_outbox_depth"));
        Assert.Contains("service_name=\"chasebot-worker\"", scrape); // the resource, so a collector tells the Worker from the Bot
        Assert.DoesNotContain("Kauri", scrape);

        // The Grafana dashboard asks only for what the processes export: the Worker's series, or the Bot's own.
        var dashboard = await File.ReadAllTextAsync(Path.Combine(Samples.RepositoryRoot, "deploy", "grafana", "chasebot.json"));
        var asked = System.Text.RegularExpressions.Regex.Matches(dashboard, @"chasebot_[a-z_]+").Select(m => m.Value).ToHashSet();
        Assert.NotEmpty(asked);
        Assert.All(asked.Except(BotOnly), metric => Assert.Contains("\n" + metric, "\n" + scrape));
    }

    /// <summary>Counted where chat comes in: the Bot's scrape has them (MetricsTests).</summary>
    public static readonly string[] BotOnly = ["chasebot_status_answers_total", "chasebot_status_latency_seconds_bucket", "chasebot_refused_requests_total"];
}
