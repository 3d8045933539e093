using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Slack;
using ChaseBot.Core.Teams;
using ChaseBot.Tests.Teams;
using Microsoft.AspNetCore.Http;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Exports;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// A day's chase for 1,000 clients delivered to a Slack that misbehaves at random (seeded). Time is scaled: Slack's
/// limit of one post per channel per second becomes one per 100 ms (the client paces at 110 ms), so the day goes out
/// in seconds; Retry-After stays in whole seconds, as Slack sends it.
/// </summary>
[Collection(nameof(MeasuredAlone))] // real time matters here: keep the other tests off the CPU
public sealed class PlatformFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_days_messages_for_1000_clients_reach_a_failing_Slack_exactly_once_or_are_dead_lettered_with_a_reason()
    {
        // Monday 10:00 UTC, inside working hours; every proposal due today is posted, to make a full day of messages.
        using var h = new ChaseHarness(configure: o => o.MaxNewProposalsPerRun = 10_000);
        await using var slack = await FakeSlack.StartAsync();
        var faults = new PlatformFaults(seed: 7) { ChannelInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(3), Archived = ["C-ARCHIVED"] };
        // A slow answer (up to 600 ms) stays well inside the client's 2.5 s timeout; a timeout (3 s) is well past it and posts nothing.
        slack.Faults = faults;
        await SeedAsync(h, clients: 1000);
        await h.Runner.RunAsync();
        var messages = await h.QueryAsync(db => db.Outbox.CountAsync());

        var options = Options.Create(new SlackOptions { BotToken = FakeSlack.Token, SigningSecret = "s", ApiBaseUrl = slack.ApiUrl });
        var api = new SlackApiClient(new HttpClient { Timeout = TimeSpan.FromSeconds(2.5) }, options, TimeProvider.System);
        var platform = new SlackPlatform(api, new ChannelPacer(TimeProvider.System, TimeSpan.FromMilliseconds(110)), NullLogger<SlackPlatform>.Instance);
        var drainer = new OutboxDrainer(h.Db.Factory, platform, h.Clock);
        var started = DateTime.UtcNow;
        var drains = 0;
        for (; drains < 12 && await h.QueryAsync(db => db.Outbox.AnyAsync(m => m.DeliveredAt == null && m.DeadLetteredAt == null)); drains++)
        {
            await drainer.DrainAsync();
            h.Clock.Advance(TimeSpan.FromMinutes(40)); // the outbox's own backoff (up to 32 minutes) has passed
        }
        var elapsed = DateTime.UtcNow - started;

        var outbox = await h.QueryAsync(db => db.Outbox.ToListAsync());
        var delivered = outbox.Where(m => m.DeliveredAt != null).ToList();
        var dead = outbox.Where(m => m.DeadLetteredAt != null).ToList();
        output.WriteLine($"{messages} messages for 1,000 clients: {delivered.Count} delivered, {dead.Count} dead-lettered, in {drains} drains, {elapsed.TotalSeconds:F1} s");
        output.WriteLine("faults injected: " + string.Join(", ", faults.Injected.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}")));
        output.WriteLine($"Slack calls: {slack.Calls.Count}, posts accepted: {slack.Accepted.Count}");

        // Nothing lost: every message is delivered or dead-lettered with its reason.
        Assert.True(messages >= 1000, $"only {messages} messages: the day is too small to test");
        Assert.Equal(messages, delivered.Count + dead.Count);
        Assert.All(dead, m => Assert.Contains("channel_not_found", m.LastError));
        Assert.All(dead, m => Assert.Equal("C-ARCHIVED", m.Target));
        // Exactly once, as far as Slack reports: each delivered message is one accepted post, and nothing else was accepted.
        Assert.Equal(delivered.Count, slack.Accepted.Count);
        Assert.Equal(delivered.Select(m => m.PlatformMessageId).Order(), slack.Accepted.Keys.Order());
        // After a 429, the channel was left alone for as long as Slack said.
        Assert.True(faults.IgnoredRetryAfter.IsEmpty, "posted inside a Retry-After: " + string.Join("; ", faults.IgnoredRetryAfter.Take(5)));
        // The faults really happened.
        foreach (var kind in new[] { "5xx", "429 burst", "timeout", "dropped connection", "slow" })
            Assert.True(faults.Injected.GetValueOrDefault(kind) > 0, $"no {kind} was injected");
    }

    [Fact]
    public async Task A_days_cards_for_300_clients_reach_a_failing_Teams_exactly_once_or_are_dead_lettered_with_a_reason()
    {
        using var h = new ChaseHarness(configure: o => o.MaxNewProposalsPerRun = 10_000); // a full day of cards
        await using var teams = await FakeBotConnector.StartAsync();
        var faults = new PlatformFaults(seed: 11)
        {
            ChannelInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(3), Archived = ["19:gone@thread.tacv2"],
            ServerErrorStatuses = [412, 500, 502, 503, 504],
        };
        teams.Faults = faults;
        var conversations = new TeamsConversations(h.Db.Factory, h.Clock);
        for (var c = 0; c < 30; c++)
            await conversations.RememberAsync(new ConversationFacts($"19:c{c:D2}@thread.tacv2", teams.BaseUrl, "tenant-1", "28:chasebot", null, null, "channel"), default);
        await conversations.RememberAsync(new ConversationFacts("19:gone@thread.tacv2", teams.BaseUrl, "tenant-1", "28:chasebot", null, null, "channel"), default);
        await SeedAsync(h, clients: 300, channel: n => n < 5 ? "teams:19:gone@thread.tacv2" : $"teams:19:c{n % 30:D2}@thread.tacv2");
        await h.Runner.RunAsync();
        var messages = await h.QueryAsync(db => db.Outbox.CountAsync());

        var options = Options.Create(new TeamsOptions { AppId = FakeBotFrameworkKeys.AppId, AppPassword = "app-password", TokenEndpoint = teams.TokenUrl });
        var connector = new BotConnectorClient(new HttpClient { Timeout = TimeSpan.FromSeconds(2.5) },
            new BotFrameworkTokens(new HttpClient(), options, h.Clock), TimeProvider.System);
        var platform = new TeamsPlatform(connector, conversations, TimeProvider.System, NullLogger<TeamsPlatform>.Instance);
        var drainer = new OutboxDrainer(h.Db.Factory, new ChatRouter(new RecordingPlatform(), platform), h.Clock);
        for (var drains = 0; drains < 12 && await h.QueryAsync(db => db.Outbox.AnyAsync(m => m.DeliveredAt == null && m.DeadLetteredAt == null)); drains++)
        {
            await drainer.DrainAsync();
            h.Clock.Advance(TimeSpan.FromMinutes(40));
        }

        var outbox = await h.QueryAsync(db => db.Outbox.ToListAsync());
        var delivered = outbox.Where(m => m.DeliveredAt != null).ToList();
        var dead = outbox.Where(m => m.DeadLetteredAt != null).ToList();
        output.WriteLine($"{messages} cards for 300 clients: {delivered.Count} delivered, {dead.Count} dead-lettered");
        output.WriteLine("faults injected: " + string.Join(", ", faults.Injected.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}")));
        Assert.Equal(messages, delivered.Count + dead.Count);
        Assert.All(dead, m => Assert.Matches("is gone|no live Teams conversation", m.LastError)); // the 404, then the retired reference
        Assert.All(dead, m => Assert.Equal("teams:19:gone@thread.tacv2", m.Target));
        Assert.Equal(delivered.Count, teams.Accepted.Count);
        Assert.Equal(delivered.Select(m => m.PlatformMessageId).Order(), teams.Accepted.Keys.Order());
        Assert.True(faults.IgnoredRetryAfter.IsEmpty, "posted inside a Retry-After: " + string.Join("; ", faults.IgnoredRetryAfter.Take(5)));
        foreach (var kind in new[] { "5xx", "429 burst", "timeout", "dropped connection" })
            Assert.True(faults.Injected.GetValueOrDefault(kind) > 0, $"no {kind} was injected");
    }

    /// <summary>Clients over channels (the first ten on an archived one by default), one invoice each, 3 to 60 days late.</summary>
    private static async Task SeedAsync(ChaseHarness h, int clients, Func<int, string>? channel = null)
    {
        await using var db = h.Db.Open();
        for (var n = 0; n < clients; n++)
        {
            var client = new Client
            {
                Name = $"Client {n:D4}", NormalizedName = Client.Normalize($"Client {n:D4}"), BillingEmail = $"ap{n}@client.example",
                Channel = channel?.Invoke(n) ?? (n < 10 ? "C-ARCHIVED" : $"C{n % 100:D3}"), OwnerUserId = $"U{n % 20:D3}",
            };
            db.Clients.Add(client);
            db.Invoices.Add(new Invoice
            {
                Source = "test", Number = $"INV-{n:D5}", Client = client, DueDate = h.Today.AddDays(-(3 + n % 58)), Currency = "USD",
                Total = 100 + n, AmountDue = 100 + n, Status = InvoiceStatus.Open,
            });
        }
        await db.SaveChangesAsync();
    }
}
