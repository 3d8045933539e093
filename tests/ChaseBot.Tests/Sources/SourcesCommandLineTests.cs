using System.Text.Json;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChaseBot.Tests.Sources;

/// <summary><c>sync</c> and <c>sources</c> as a person runs them, against the fake Stripe.</summary>
public sealed class SourcesCommandLineTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();
    private readonly FakeTimeProvider _clock = Clocks.At("2026-11-23T10:00:00Z");
    private FakeStripe _stripe = null!;

    public async Task InitializeAsync() => _stripe = await FakeStripe.StartAsync(_clock);

    public async Task DisposeAsync()
    {
        await _stripe.DisposeAsync();
        _db.Dispose();
    }

    private Dictionary<string, string?> Settings(string? key = FakeStripe.Key) => new()
    {
        ["Sources:Stripe:ApiKey"] = key, ["Sources:Stripe:ApiBaseUrl"] = _stripe.BaseUrl,
    };

    private Task<CliResult> RunAsync(Dictionary<string, string?> settings, params string[] args) =>
        Cli.RunAsync(_clock, settings, [.. args, "--db", _db.Path]);

    [Fact]
    public async Task Sync_says_what_it_read_and_sources_says_how_fresh_it_is()
    {
        _stripe.Invoice("NW-1", 100_000);
        _stripe.Invoice("NW-2", 50_000, paid: 50_000, status: "paid");

        var sync = await RunAsync(Settings(), "sync");
        Assert.Equal((0, ""), (sync.ExitCode, sync.Error));
        Assert.Equal("Stripe: 2 invoices read: 2 new, 0 updated, 0 unchanged", sync.Out.Trim());

        _clock.Advance(TimeSpan.FromMinutes(3));
        var sources = await RunAsync(Settings(), "sources");
        Assert.Contains("Stripe      yes        3 minutes ago  2026-11-23 10:00 UTC", sources.Out);
        Assert.Contains("QuickBooks  no         never", sources.Out); // the others, not connected
        Assert.EndsWith("\nBooks synced 3 minutes ago (Stripe).", (await RunAsync(Settings(), "status")).Out.TrimEnd());
        Assert.EndsWith("Books synced 3 minutes ago (Stripe).", (await RunAsync(Settings(), "chat", "status", "--user", "alice")).Out.TrimEnd());
        var home = Core.Slack.BlockKit.Home(new Core.Reports.HomeOverview("U1", new DateOnly(2026, 11, 23), true, [], null,
            new([], 0), new([], 0)) { Books = "Books synced 3 minutes ago (Stripe)." }, new Core.Chasing.ChaseLadder([]));
        Assert.Contains("As of 23 Nov 2026 · Books synced 3 minutes ago (Stripe) · `/chase status`", home.ToJsonString(
            new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

        _clock.Advance(TimeSpan.FromHours(27));
        Assert.EndsWith("Stripe last synced 27 hours ago: too old to send on until the next sync.", (await RunAsync(Settings(), "status")).Out.TrimEnd());
        var json = JsonDocument.Parse((await RunAsync(Settings(), "sources", "--json")).Out).RootElement[0];
        Assert.Equal(("stripe", true, "2026-11-23T10:00:00Z", true),
            (json.GetProperty("source").GetString(), json.GetProperty("connected").GetBoolean(), json.GetProperty("asOf").GetString(),
             json.GetProperty("stale").GetBoolean()));
    }

    [Fact]
    public async Task In_chat_anyone_may_ask_how_fresh_the_books_are_and_only_an_approver_may_sync()
    {
        _stripe.Invoice("NW-1", 100_000);
        var settings = Settings();
        settings["Chase:Approvers:0"] = "alice";

        var refused = await RunAsync(settings, "chat", "sync", "--user", "bob");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Chase:Approvers", refused.Out + refused.Error);
        Assert.Empty(_stripe.Calls);

        var sync = await RunAsync(settings, "chat", "sync", "--user", "alice");
        Assert.Contains("Stripe: 1 invoice read: 1 new, 0 updated", sync.Out);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Contains("Stripe: synced 1 minute ago", (await RunAsync(settings, "chat", "sources", "--user", "bob")).Out);
    }

    [Fact]
    public async Task A_refused_key_is_said_without_the_key_and_sources_remembers_it()
    {
        var settings = Settings("rk_test_revoked_key_value");
        settings["Chase:Approvers:0"] = "alice";
        var sync = await RunAsync(settings, "sync");
        await RunAsync(settings, "sync"); // the next sync fails too: the approver was told already

        Assert.Equal(1, sync.ExitCode);
        Assert.Equal("Stripe: not synced — Stripe refused ChaseBot's key (revoked, expired, or without read access to invoices and events): " +
                     "set Sources:Stripe:ApiKey to a restricted key again", sync.Out.Trim());
        var sources = await RunAsync(Settings("rk_test_revoked_key_value"), "sources");
        Assert.Contains("Stripe refused ChaseBot's key", sources.Out);
        Assert.DoesNotContain("rk_test_revoked_key_value", sync.Out + sync.Error + sources.Out + sources.Error);
        await using var db = _db.Open();
        var told = Assert.Single(await db.Outbox.Where(m => m.Kind == Core.Delivery.OutboxKinds.SourceRefused).ToListAsync());
        Assert.Equal(("alice", Core.Delivery.Audience.Direct), (told.Target, told.Audience));
        var message = Core.Delivery.ChatMessage.FromJson(told.Body);
        Assert.Equal("Stripe refused ChaseBot's key", message.Title);
        Assert.DoesNotContain("rk_test_revoked_key_value", told.Body);
    }

    [Fact]
    public async Task Without_a_key_or_with_an_unknown_source_sync_is_refused_saying_what_to_set()
    {
        var none = await RunAsync(Settings(null), "sync");
        Assert.Equal(2, none.ExitCode);
        Assert.StartsWith("error: no source is connected: set Sources:Stripe:ApiKey", none.Error);

        var unknown = await RunAsync(Settings(), "sync", "--source", "sage");
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("error: --source is 'sage'; ChaseBot syncs stripe", unknown.Error);
    }
}
