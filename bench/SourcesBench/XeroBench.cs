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
using ChaseBot.Core.Sources.Connections;
using ChaseBot.Core.Sources.Xero;
using ChaseBot.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Bench.Sources;

/// <summary>
/// A first sync of many invoices from a Xero stand-in that holds ChaseBot to Xero's limits (60 calls over any rolling
/// minute, 5 at once, answered 429 past them), then signed webhooks timed to the withdrawn proposal.
/// </summary>
internal static class XeroBench
{
    private const string Tenant = "70784a63-d24b-46a9-a4db-0e70a274b056", WebhookKey = "bench-webhook-key", Token = "xat_bench";

    public static async Task RunAsync(int count, int webhooks)
    {
        var invoices = new ConcurrentDictionary<string, JsonObject>();
        var today = DateTime.UtcNow.Date;
        string Date(DateTime at) => $"/Date({new DateTimeOffset(at, TimeSpan.Zero).ToUnixTimeMilliseconds()}+0000)/";
        var ids = new List<string>();
        for (var i = 1; i <= count; i++)
        {
            var id = Guid.NewGuid().ToString();
            ids.Add(id);
            var due = i <= webhooks ? today.AddDays(-40) : today.AddDays(20); // the first few are 40 days late: their late notices wait for approval
            invoices[id] = new JsonObject
            {
                ["Type"] = "ACCREC", ["InvoiceID"] = id, ["InvoiceNumber"] = $"X-{i:D6}",
                ["Contact"] = new JsonObject { ["ContactID"] = $"c{i}", ["Name"] = $"Client {i:D6}", ["EmailAddress"] = $"ap{i}@client.example" },
                ["Date"] = Date(due.AddDays(-30)), ["DueDate"] = Date(due), ["Status"] = "AUTHORISED", ["CurrencyCode"] = "GBP",
                ["Total"] = 1000m, ["AmountDue"] = 1000m, ["AmountPaid"] = 0m, ["AmountCredited"] = 0m, ["UpdatedDateUTC"] = Date(DateTime.UtcNow.AddMinutes(-i)),
            };
        }

        var window = new Queue<long>();
        int calls = 0, pages = 0, refused = 0, atOnce = 0, mostAtOnce = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var xero = builder.Build();
        xero.Use(async (context, next) =>
        {
            var now = Interlocked.Increment(ref atOnce);
            try
            {
                lock (window)
                {
                    mostAtOnce = Math.Max(mostAtOnce, now);
                    while (window.Count > 0 && Stopwatch.GetElapsedTime(window.Peek()) >= TimeSpan.FromSeconds(60))
                        window.Dequeue();
                    if (window.Count >= 60 || now > 5)
                    {
                        refused++;
                        context.Response.StatusCode = 429;
                        context.Response.Headers["Retry-After"] = "60";
                        return;
                    }
                    window.Enqueue(Stopwatch.GetTimestamp());
                    calls++;
                    if (context.Request.Query.ContainsKey("page") && !context.Request.Query.ContainsKey("IDs"))
                        pages++;
                    context.Response.Headers["X-MinLimit-Remaining"] = (60 - window.Count).ToString(CultureInfo.InvariantCulture);
                    context.Response.Headers["X-DayLimit-Remaining"] = (5000 - calls).ToString(CultureInfo.InvariantCulture);
                }
                await next(context);
            }
            finally
            {
                Interlocked.Decrement(ref atOnce);
            }
        });
        xero.MapGet("/api.xro/2.0/Invoices", (HttpContext context) =>
        {
            var q = context.Request.Query;
            IEnumerable<JsonObject> list = invoices.Values;
            if (q["IDs"].ToString() is { Length: > 0 } wanted)
                list = list.Where(i => wanted.Split(',').Contains(i["InvoiceID"]!.GetValue<string>()));
            var page = int.Parse(q["page"].ToString(), CultureInfo.InvariantCulture);
            var shown = list.OrderBy(i => i["UpdatedDateUTC"]!.GetValue<string>(), StringComparer.Ordinal).ThenBy(i => i["InvoiceID"]!.GetValue<string>())
                .Skip((page - 1) * 100).Take(100).Select(i => (JsonNode)i.DeepClone()).ToArray();
            return Results.Json(new JsonObject { ["Status"] = "OK", ["Invoices"] = new JsonArray(shown) });
        });
        xero.MapGet("/api.xro/2.0/Invoices/{id}/OnlineInvoice", (string id) =>
            Results.Json(new JsonObject { ["OnlineInvoices"] = new JsonArray(new JsonObject { ["OnlineInvoiceUrl"] = $"https://in.xero.example/{id[..8]}" }) }));
        await xero.StartAsync();

        var folder = Directory.CreateTempSubdirectory("chasebot-xero-bench-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chase"] = $"Data Source={Path.Combine(folder, "ledger.db")}",
            ["Sources:Xero:ClientId"] = "bench", ["Sources:Xero:ClientSecret"] = "bench", ["Sources:Xero:WebhookKey"] = WebhookKey,
            ["Sources:Xero:ApiBaseUrl"] = xero.Urls.First(), ["Sources:Xero:IdentityBaseUrl"] = xero.Urls.First(),
            ["Chase:MaxNewProposalsPerRun"] = webhooks.ToString(CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(new ConsolePlatform(TextWriter.Null));
        services.AddChaseCore(configuration);
        await using var provider = services.BuildServiceProvider();
        var dbFactory = provider.GetRequiredService<IDbContextFactory<ChaseDbContext>>();
        var vault = provider.GetRequiredService<TokenVault>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            await DatabaseMigrator.MigrateAsync(db);
            // Connected already (the consent is not what is measured): a token good for the whole run.
            db.SourceConnections.Add(new SourceConnection
            {
                Source = "xero", Tenant = Tenant, TenantName = "Bench Ltd", AccessToken = vault.Protect(Token), AccessExpiresAt = DateTime.UtcNow.AddHours(2),
                RefreshToken = vault.Protect("xrt_bench"), ConnectedBy = "bench", ConnectedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var sync = Stopwatch.StartNew();
        var summary = await provider.GetRequiredService<XeroSource>().SyncAsync("bench");
        sync.Stop();
        int syncCalls, syncPages, syncRefused;
        lock (window)
            (syncCalls, syncPages, syncRefused) = (calls, pages, refused);
        Console.WriteLine($"first sync: {summary.Created:N0} invoices in {sync.Elapsed.TotalSeconds:0.0} s, {syncCalls} calls " +
                          $"({syncPages} list pages, the last one empty when the count is a multiple of 100, and {syncCalls - syncPages} online-invoice pages), " +
                          $"{syncCalls / sync.Elapsed.TotalMinutes:0.0} calls a minute, {syncRefused} refused (429), at most {mostAtOnce} at once");
        if (summary.Created != count)
            throw new InvalidOperationException($"synced {summary.Created} of {count}: {summary.Message}");

        await provider.GetRequiredService<ChaseRunner>().RunAsync();
        Console.WriteLine("waiting 60 s for Xero's minute to clear before the webhooks");
        await Task.Delay(TimeSpan.FromSeconds(60));

        var webhook = provider.GetRequiredService<XeroWebhook>();
        // The times are of each webhook alone, one after another; the first includes what the process had not yet compiled.
        var times = new List<double>();
        for (var i = 1; i <= webhooks; i++)
        {
            var id = ids[i - 1];
            (invoices[id]["AmountPaid"], invoices[id]["AmountDue"], invoices[id]["Status"]) = (1000m, 0m, "PAID");
            var body = Encoding.UTF8.GetBytes(new JsonObject
            {
                ["events"] = new JsonArray(new JsonObject
                {
                    ["resourceId"] = id, ["eventCategory"] = "INVOICE", ["eventType"] = "UPDATE", ["tenantId"] = Tenant,
                    ["eventDateUtc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                }),
                ["firstEventSequence"] = i, ["lastEventSequence"] = i, ["entropy"] = "bench",
            }.ToJsonString());
            var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookKey), body));
            var clock = Stopwatch.StartNew();
            var answer = await webhook.HandleAsync(body, signature, CancellationToken.None);
            bool withdrawn;
            do
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                withdrawn = await db.Proposals.AnyAsync(p => p.Invoice.Number == $"X-{i:D6}" && p.Status == ProposalStatus.Withdrawn);
            } while (!withdrawn && clock.Elapsed < TimeSpan.FromSeconds(30));
            clock.Stop();
            if (answer.Status != 200 || !withdrawn)
                throw new InvalidOperationException($"webhook {i}: {answer.Status}; withdrawn: {withdrawn}");
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        double Percentile(double p) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(p * times.Count) - 1)];
        Console.WriteLine($"Xero webhook to withdrawn proposal, {webhooks} webhooks one after another: p50 {Percentile(0.50):0.0} ms, " +
                          $"p99 {Percentile(0.99):0.0} ms, max {times[^1]:0.0} ms; {refused} refused (429) in all");
        await xero.StopAsync();
        Directory.Delete(folder, recursive: true);
    }
}
