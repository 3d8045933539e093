using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChaseBot.Core;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources.Stripe;
using ChaseBot.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Usage: SourcesBench [clients=500] [webhooks=300]  |  SourcesBench xero [invoices=10000] [webhooks=25]
if (args is ["xero", ..])
{
    await ChaseBot.Bench.Sources.XeroBench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 25);
    return;
}
var clients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
var webhooks = Math.Min(clients, args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300);
const string Key = "rk_bench", Secret = "whsec_bench";

// Stripe's stand-in: the invoices of the API reference, listed 100 a page, read one by one, no events.
var invoices = new ConcurrentDictionary<string, JsonObject>();
var created = DateTimeOffset.UtcNow.AddDays(-70).ToUnixTimeSeconds();
for (var i = 1; i <= clients; i++)
    invoices[$"in_{i:D6}"] = new JsonObject
    {
        ["id"] = $"in_{i:D6}", ["object"] = "invoice", ["number"] = $"B-{i:D6}", ["customer"] = $"cus_{i}", ["customer_name"] = $"Client {i:D6}",
        ["customer_email"] = $"ap{i}@client.example", ["created"] = created, ["due_date"] = created + 30 * 86_400, ["currency"] = "usd",
        ["total"] = 100_000, ["amount_due"] = 100_000, ["amount_paid"] = 0, ["amount_remaining"] = 100_000, ["status"] = "open",
        ["hosted_invoice_url"] = $"https://invoice.stripe.example/i/in_{i:D6}", ["livemode"] = false,
    };
var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
var stripe = builder.Build();
stripe.MapGet("/v1/invoices", (HttpContext context) =>
{
    var all = invoices.Values.OrderBy(i => i["id"]!.GetValue<string>()).ToList();
    var after = context.Request.Query["starting_after"].ToString();
    var start = after.Length > 0 ? all.FindIndex(i => i["id"]!.GetValue<string>() == after) + 1 : 0;
    var page = all.Skip(start).Take(100).Select(i => (JsonNode)i.DeepClone()).ToArray();
    return Results.Json(new JsonObject { ["object"] = "list", ["url"] = "/v1/invoices", ["has_more"] = start + page.Length < all.Count, ["data"] = new JsonArray(page) });
});
stripe.MapGet("/v1/invoices/{id}", (string id) => invoices.TryGetValue(id, out var invoice) ? Results.Json(invoice) : Results.NotFound());
await stripe.StartAsync();

var folder = Directory.CreateTempSubdirectory("chasebot-sources-bench-").FullName;
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["ConnectionStrings:Chase"] = $"Data Source={Path.Combine(folder, "ledger.db")}",
    ["Sources:Stripe:ApiKey"] = Key, ["Sources:Stripe:ApiBaseUrl"] = stripe.Urls.First(), ["Sources:Stripe:WebhookSecret"] = Secret,
    ["Chase:MaxNewProposalsPerRun"] = clients.ToString(CultureInfo.InvariantCulture),
}).Build();
var services = new ServiceCollection();
services.AddSingleton<IConfiguration>(configuration);
services.AddLogging();
services.AddSingleton(new ConsolePlatform(TextWriter.Null));
services.AddChaseCore(configuration);
await using var provider = services.BuildServiceProvider();
var dbFactory = provider.GetRequiredService<IDbContextFactory<ChaseDbContext>>();
await using (var db = await dbFactory.CreateDbContextAsync())
    await DatabaseMigrator.MigrateAsync(db);

// The ledger: every client's invoice synced, 40 days overdue, and its late notice proposed and waiting.
var sync = Stopwatch.StartNew();
await provider.GetRequiredService<StripeSource>().SyncAsync("bench");
sync.Stop();
await provider.GetRequiredService<ChaseRunner>().RunAsync();
int waiting;
await using (var db = await dbFactory.CreateDbContextAsync())
    waiting = await db.Proposals.CountAsync(p => p.Status == ProposalStatus.Pending);

var webhook = provider.GetRequiredService<StripeWebhook>();
var times = new List<double>();
for (var i = 1; i <= webhooks; i++)
{
    var id = $"in_{i:D6}";
    var invoice = invoices[id];
    (invoice["amount_paid"], invoice["amount_remaining"], invoice["status"]) = (100_000, 0, "paid");
    var body = new JsonObject
    {
        ["id"] = $"evt_{i}", ["object"] = "event", ["type"] = "invoice.paid", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["data"] = new JsonObject { ["object"] = invoice.DeepClone() },
    }.ToJsonString();
    var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    var signature = $"t={at},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{at}.{body}")))}";
    var clock = Stopwatch.StartNew();
    var answer = await webhook.HandleAsync(body, signature, CancellationToken.None);
    await using var db = await dbFactory.CreateDbContextAsync();
    var withdrawn = await db.Proposals.AnyAsync(p => p.Invoice.Number == $"B-{i:D6}" && p.Status == ProposalStatus.Withdrawn);
    clock.Stop();
    if (answer.Status != 200 || !withdrawn)
        throw new InvalidOperationException($"webhook {i}: {answer.Status} {answer.Body}; withdrawn: {withdrawn}");
    times.Add(clock.Elapsed.TotalMilliseconds);
}
times.Sort();
double Percentile(double p) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(p * times.Count) - 1)];
Console.WriteLine($"{clients} clients synced in {sync.Elapsed.TotalSeconds:0.00} s ({(clients + 99) / 100} list calls); {waiting} proposals waiting");
Console.WriteLine($"webhook to withdrawn proposal, {webhooks} webhooks one after another: p50 {Percentile(0.50):0.0} ms, p99 {Percentile(0.99):0.0} ms, max {times[^1]:0.0} ms");
await stripe.StopAsync();
Directory.Delete(folder, recursive: true);
