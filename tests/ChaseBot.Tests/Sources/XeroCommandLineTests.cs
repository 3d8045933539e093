using System.Text.Json;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChaseBot.Tests.Sources;

/// <summary><c>connect</c>, <c>sync</c>, <c>sources</c> and <c>disconnect</c> with Xero, as a person runs them, against the fake Xero.</summary>
public sealed class XeroCommandLineTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();
    private readonly FakeTimeProvider _clock = Clocks.At("2026-11-23T10:00:00Z");
    private FakeXero _xero = null!;

    public async Task InitializeAsync() => _xero = await FakeXero.StartAsync(_clock);

    public async Task DisposeAsync()
    {
        await _xero.DisposeAsync();
        _db.Dispose();
    }

    private Task<CliResult> RunAsync(Dictionary<string, string?> settings, params string[] args) =>
        Cli.RunAsync(_clock, settings, [.. args, "--db", _db.Path]);

    [Fact]
    public async Task Connect_needs_the_Bots_address_and_the_app_and_says_which_is_missing()
    {
        var noApp = await RunAsync(new Dictionary<string, string?> { ["Bot:PublicUrl"] = "https://chasebot.example" }, "connect", "xero");
        Assert.Equal((2, "error: Xero has no app to connect with: set Sources:Xero:ClientId and ClientSecret first (docs/books.md)"),
            (noApp.ExitCode, noApp.Error.Trim()));
        var noUrl = await RunAsync(new Dictionary<string, string?>(_xero.Settings()) { ["Bot:PublicUrl"] = null }, "connect", "xero");
        Assert.Equal("error: Bot:PublicUrl is not set: ChaseBot needs the Bot's address, as a browser reaches it, to give a link to connect", noUrl.Error.Trim());
        var unknown = await RunAsync(_xero.Settings(), "connect", "sage");
        Assert.Contains("connect takes the books to connect: xero", unknown.Error);
    }

    [Fact]
    public async Task After_connecting_sync_and_sources_name_the_organisation_and_the_calls_left_today()
    {
        _xero.Invoice("INV-1", 1200m);
        _xero.Invoice("INV-2", 300m, paid: 300m, status: "PAID");
        var connect = await RunAsync(_xero.Settings(), "connect", "xero", "--user", "alice");
        Assert.Equal(0, connect.ExitCode);
        var link = new Uri(connect.Out.Split('\n')[1].Trim());
        var state = QueryHelpers.ParseQuery(link.Query)["state"].ToString();
        // The Bot's half of the flow, in this test's own services over the same ledger (XeroBotTests walks it through the Bot itself).
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddLogging();
        Core.CoreRegistration.AddChaseCore(services, new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(_xero.Settings()).Build());
        services.AddSingleton(_db.Factory);
        services.AddSingleton<TimeProvider>(_clock);
        await using (var bot = services.BuildServiceProvider())
        {
            var connections = bot.GetRequiredService<Core.Sources.Connections.OAuthConnections>();
            await connections.CompleteAsync("xero", await BooksConsent.ConsentAsync(await connections.ConsentPageAsync("xero", state, default)), default);
        }

        var sync = await RunAsync(_xero.Settings(), "sync", "--source", "xero");
        Assert.Equal((0, "Xero: 2 invoices read: 2 new, 0 updated, 0 unchanged"), (sync.ExitCode, sync.Out.Trim()));
        _clock.Advance(TimeSpan.FromMinutes(3));
        var sources = await RunAsync(_xero.Settings(), "sources");
        Assert.Contains("Xero        Harbour Studio Ltd  3 minutes ago  2026-11-23 10:00 UTC  4,998 of 5,000", sources.Out);
        var json = JsonDocument.Parse((await RunAsync(_xero.Settings(), "sources", "--json")).Out).RootElement[1];
        Assert.Equal(("xero", "Harbour Studio Ltd", 4998), (json.GetProperty("source").GetString(), json.GetProperty("organisation").GetString(),
            json.GetProperty("callsLeftToday").GetInt32()));
        Assert.DoesNotContain("xrt_", sources.Out + sources.Error);

        var disconnect = await RunAsync(_xero.Settings(), "disconnect", "xero");
        Assert.Equal(0, disconnect.ExitCode);
        Assert.StartsWith("Xero disconnected", disconnect.Out);
        Assert.Equal(2, (await RunAsync(_xero.Settings(), "disconnect", "xero")).ExitCode);
    }
}
