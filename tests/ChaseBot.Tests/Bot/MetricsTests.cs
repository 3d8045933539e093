using System.Net;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using static ChaseBot.Tests.Support.PrometheusText;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ChaseBot.Tests.Bot;

/// <summary>/metrics on the Bot: Prometheus' text, each figure moving with the ledger and with refused requests.</summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();
    private readonly FakeTimeProvider _clock = Clocks.At("2026-12-07T10:00:00Z");
    private WebApplicationFactory<Program> _bot = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _bot = await BotHost.StartAsync(_db, _clock, new Dictionary<string, string?> { ["Sources:Stripe:WebhookSecret"] = "whsec_test" });
        _client = _bot.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _bot.DisposeAsync();
        _db.Dispose();
    }

    [Fact]
    public async Task The_outbox_depth_and_the_overdue_amount_move_with_the_ledger()
    {
        // Other tests' Bots run in this process, and OpenTelemetry's listener hears every host's gauges: this Bot's series
        // are told apart by what only its ledger holds (a due message two minutes old, an XTS invoice).
        var before = await ScrapeAsync();
        Assert.DoesNotContain(126, Values(before, "chasebot_outbox_oldest_age_seconds"));
        Assert.Null(Value(before, "chasebot_overdue_amount", "currency=\"XTS\""));

        await using (var db = _db.Open())
        {
            var client = new Client { Name = "Kauri Digital Ltd", NormalizedName = Client.Normalize("Kauri Digital Ltd") };
            db.Clients.Add(client);
            await db.SaveChangesAsync();
            db.Invoices.Add(new Invoice
            {
                Source = "test", Number = "K-1", ClientId = client.Id, DueDate = new DateOnly(2026, 11, 27), Currency = "XTS",
                Total = 250m, AmountDue = 250m, Status = InvoiceStatus.Open,
            });
            OutboxQueue.Add(db, OutboxKey.Digest("metrics", "#accounts-receivable"), OutboxKinds.Digest, "#accounts-receivable", new ChatMessage { Title = "A digest" },
                _clock.GetUtcNow().UtcDateTime, _clock.GetUtcNow().UtcDateTime.AddMinutes(-2));
            await db.SaveChangesAsync();
        }
        _clock.Advance(TimeSpan.FromSeconds(6)); // past the gauges' few seconds

        var after = await ScrapeAsync();
        Assert.Contains(1, Values(after, "chasebot_outbox_depth"));
        Assert.Contains(126, Values(after, "chasebot_outbox_oldest_age_seconds")); // due two minutes before, read six seconds on
        Assert.Equal(250, Value(after, "chasebot_overdue_amount", "bucket=\"1-30\"", "currency=\"XTS\""));
        Assert.DoesNotContain("Kauri", after); // no client name in a label
    }

    [Fact]
    public async Task A_refused_webhook_is_counted()
    {
        var before = Value(await ScrapeAsync(), "chasebot_refused_requests_total", "endpoint=\"webhooks/stripe\"") ?? 0;

        var refused = await _client.PostAsync("/webhooks/stripe", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True(Value(await ScrapeAsync(), "chasebot_refused_requests_total", "endpoint=\"webhooks/stripe\"") >= before + 1);
    }

    [Fact]
    public async Task Status_answers_are_counted_with_their_latency()
    {
        await using var bot = await Slack.SlackBot.StartAsync();
        async Task<string> Scrape() => await (await bot.Http.GetAsync("/metrics")).Content.ReadAsStringAsync();
        var before = Value(await Scrape(), "chasebot_status_answers_total", "surface=\"command\"") ?? 0;
        var timedBefore = Value(await Scrape(), "chasebot_status_latency_seconds_count", "surface=\"command\"") ?? 0;

        Assert.Equal(HttpStatusCode.OK, (await bot.CommandAsync("status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bot.CommandAsync("status", user: "U2")).StatusCode);

        var after = await Scrape();
        // Other Bots in this process count too: at least this Bot's two.
        Assert.True(Value(after, "chasebot_status_answers_total", "surface=\"command\"") >= before + 2);
        Assert.True(Value(after, "chasebot_status_latency_seconds_count", "surface=\"command\"") >= timedBefore + 2);
        Assert.NotNull(Value(after, "chasebot_status_latency_seconds_bucket", "surface=\"command\"", "le=\"+Inf\""));
        await bot.PostAsync("/slack/commands", "command=%2Fchase&text=status", secret: "not-the-signing-secret"); // a refusal, so its series exists too
        var scrape = await Scrape();
        Assert.All(Worker.WorkerMetricsTests.BotOnly, metric => Assert.Contains("\n" + metric, "\n" + scrape));
    }

    private async Task<string> ScrapeAsync()
    {
        var response = await _client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
