using ChaseBot.Tests.Bot;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Tests.Support;

/// <summary>The Bot in-process on a test's SQLite ledger and fake clock, with the settings that point it at the fakes; migrated before it is handed out.</summary>
public static class BotHost
{
    public static async Task<WebApplicationFactory<Program>> StartAsync(TestDatabase db, TimeProvider clock, IDictionary<string, string?> settings,
        CapturedLogs? logs = null)
    {
        var bot = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>(settings)
            {
                ["ConnectionStrings:Chase"] = $"Data Source={db.Path}",
            }));
            if (logs is not null)
                web.ConfigureLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
            web.ConfigureServices(services => services.AddSingleton(clock));
        });
        using var client = bot.CreateClient();
        Assert.Equal("ready", await client.GetStringAsync("/readyz")); // migrated
        return bot;
    }
}
