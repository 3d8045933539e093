using Microsoft.Extensions.Time.Testing;
using System.Security.Cryptography;
using ChaseBot.Core.Exports;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Tests.Teams;

/// <summary>
/// The real Bot (WebApplicationFactory) configured for Teams, on a real SQLite file holding the Xero sample, with a
/// fake clock, signing keys served from a local OpenID endpoint, and a fake Bot Connector and token endpoint.
/// </summary>
public sealed class TeamsBot : IAsyncDisposable
{
    private WebApplicationFactory<Program> _factory = null!;

    public TestDatabase Db { get; } = new();
    public FakeTimeProvider Clock { get; } = Clocks.At("2026-11-23T10:00:00Z");
    public FakeBotFrameworkKeys Keys { get; private set; } = null!;
    public FakeBotConnector Connector { get; private set; } = null!;
    /// <summary>The key the Bot Framework signs this bot's tokens with (kid "k1", endorsed for msteams).</summary>
    public RSA Key { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    /// <summary>The Bot's own services, for driving the Worker's side (chase, outbox) against the same configuration.</summary>
    public IServiceProvider Services => _factory.Services;

    public static async Task<TeamsBot> StartAsync(IReadOnlyDictionary<string, string?>? extra = null, ILoggerProvider? logs = null)
    {
        var bot = new TeamsBot();
        bot.Keys = await FakeBotFrameworkKeys.StartAsync();
        bot.Key = bot.Keys.Serve("k1", "msteams");
        bot.Connector = await FakeBotConnector.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chase"] = $"Data Source={bot.Db.Path}",
            ["Teams:AppId"] = FakeBotFrameworkKeys.AppId,
            ["Teams:AppPassword"] = "app-password",
            ["Teams:OpenIdMetadataUrl"] = bot.Keys.MetadataUrl,
            ["Teams:TokenEndpoint"] = bot.Connector.TokenUrl,
            // Pacing is tested on its own (TeamsDeliveryTests); here the clock is fake and stands still.
            ["Teams:PostInterval"] = "00:00:00",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        bot._factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
            web.ConfigureServices(services => services.AddSingleton<TimeProvider>(bot.Clock));
            if (logs is not null)
                web.ConfigureLogging(logging => logging.AddProvider(logs));
        });
        bot.Http = bot._factory.CreateClient();
        await bot.Http.GetAsync("/healthz");
        await bot.Db.Importer(bot.Clock).ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());
        return bot;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
        await Connector.DisposeAsync();
        await Keys.DisposeAsync();
        Db.Dispose();
    }
}
