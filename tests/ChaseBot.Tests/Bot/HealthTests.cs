using System.Net;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace ChaseBot.Tests.Bot;

public sealed class HealthTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private WebApplicationFactory<Program> Bot(string connectionString) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web => web.ConfigureAppConfiguration((_, config) =>
            config.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Chase"] = connectionString })));

    [Fact]
    public async Task The_bot_is_live_and_ready_once_its_database_is_migrated()
    {
        using var factory = Bot($"Data Source={_db.Path}");
        using var client = factory.CreateClient();

        Assert.Equal("ok", await client.GetStringAsync("/healthz"));
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_paths_are_404_not_errors()
    {
        using var factory = Bot($"Data Source={_db.Path}");
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/slack/commands")).StatusCode);
    }

    [Fact]
    public async Task A_database_that_cannot_be_reached_makes_the_bot_live_but_not_ready()
    {
        // Read-only on a file that does not exist: SQLite cannot open it, and the migration at start fails quietly here.
        var missing = Path.Combine(_db.Folder, "nowhere", "none.db");
        using var factory = Bot($"Data Source={missing};Mode=ReadOnly");
        using var client = factory.CreateClient();

        var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("the database cannot be reached", await ready.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Data Source", await ready.Content.ReadAsStringAsync());
    }
}
