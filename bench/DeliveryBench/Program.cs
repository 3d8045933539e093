using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Slack;
using ChaseBot.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Usage: Delivery [messages=5000] [channels=500] [parallel channels=500]
var messages = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
var channels = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
var parallel = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500;

// Slack's stand-in: one post per channel per second, 429 with Retry-After otherwise.
var lastPost = new ConcurrentDictionary<string, DateTimeOffset>();
var accepted = new ConcurrentDictionary<string, int>();
var tooMany = 0;
var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
var slack = builder.Build();
slack.MapPost("/api/chat.postMessage", async (HttpContext context) =>
{
    var body = (JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject)!;
    var channel = body["channel"]!.ToString();
    var now = DateTimeOffset.UtcNow;
    lock (lastPost)
    {
        if (lastPost.TryGetValue(channel, out var last) && now - last < TimeSpan.FromSeconds(1))
        {
            Interlocked.Increment(ref tooMany);
            context.Response.Headers.RetryAfter = "1";
            return Results.StatusCode(429);
        }
        lastPost[channel] = now;
    }
    accepted.AddOrUpdate(body["text"]!.ToString(), 1, (_, n) => n + 1);
    return Results.Json(new { ok = true, channel, ts = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) });
});
await slack.StartAsync();
var baseUrl = slack.Urls.First();

// The day's messages, already decided, in the outbox of a fresh SQLite database.
var folder = Directory.CreateTempSubdirectory("chasebot-delivery-bench-").FullName;
var options = new DbContextOptionsBuilder<ChaseDbContext>();
StorageRegistration.Configure(options, new DatabaseOptions(), $"Data Source={Path.Combine(folder, "ledger.db")}");
await using (var db = new ChaseDbContext(options.Options))
{
    await DatabaseMigrator.MigrateAsync(db);
    var now = DateTime.UtcNow;
    for (var i = 0; i < messages; i++)
        db.Outbox.Add(new OutboxMessage
        {
            Key = $"bench:{i}", Kind = "reminder", Audience = Audience.Channel, Target = $"C{i % channels:D5}", CreatedAt = now, NotBefore = now,
            Body = new ChatMessage { Title = $"Reminder {i}", Lines = [$"Invoice INV-{i:D6} is overdue."] }.ToJson(),
        });
    await db.SaveChangesAsync();
}

var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = parallel }) { Timeout = TimeSpan.FromSeconds(10) };
var api = new SlackApiClient(http, Options.Create(new SlackOptions { BotToken = "xoxb-bench", SigningSecret = "s", ApiBaseUrl = baseUrl + "/api/" }), TimeProvider.System);
var platform = new SlackPlatform(api, new ChannelPacer(TimeProvider.System), NullLogger<SlackPlatform>.Instance, parallel);
var drainer = new OutboxDrainer(new PooledDbContextFactory<ChaseDbContext>(options.Options), platform, TimeProvider.System);

var clock = Stopwatch.StartNew();
var drains = 0;
int pending;
do
{
    await drainer.DrainAsync();
    drains++;
    await using var db = new ChaseDbContext(options.Options);
    pending = await db.Outbox.CountAsync(m => m.DeliveredAt == null && m.DeadLetteredAt == null);
    if (pending > 0)
        await Task.Delay(500); // a message told to wait comes round again at its next attempt
} while (pending > 0 && clock.Elapsed < TimeSpan.FromMinutes(10));
var elapsed = clock.Elapsed.TotalSeconds;

var perChannel = (int)Math.Ceiling(messages / (double)channels);
var minimum = perChannel - 1; // the first post to each channel at once, then one a second
var duplicates = accepted.Values.Count(n => n > 1);
Console.WriteLine($"{messages} messages over {channels} channels, {parallel} channels at a time, one post per channel per second");
Console.WriteLine($"delivered {accepted.Count} (posted twice: {duplicates}), lost {pending}, 429s {tooMany}, drains {drains}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"total {elapsed:F1} s; theoretical minimum {minimum} s ({perChannel} posts per channel); ratio {elapsed / minimum:F2}"));
await slack.StopAsync();
SqliteCleanup();
return pending == 0 && duplicates == 0 ? 0 : 1;

void SqliteCleanup()
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}
