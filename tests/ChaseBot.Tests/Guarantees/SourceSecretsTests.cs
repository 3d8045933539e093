using System.Net;
using System.Security.Cryptography;
using System.Text;
using ChaseBot.Core.Sources;
using ChaseBot.Tests.Bot;
using ChaseBot.Tests.Sources;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// The books' credentials never show up in what ChaseBot writes: the Xero app's secret, its webhook key, and every
/// access and refresh token Xero issued, through a connection, a sync, a refresh, a webhook good and forged, a
/// revocation and a disconnect, with the Bot logging everything at Trace.
/// </summary>
public sealed class SourceSecretsTests : IAsyncLifetime
{
    private const string WebhookKey = "SECRET-xero-webhook-key-5151";
    private readonly TestDatabase _db = new();
    private readonly FakeTimeProvider _clock = Clocks.At("2026-11-23T10:00:00Z");
    private readonly CapturedLogs _logs = new();
    private FakeXero _xero = null!;
    private WebApplicationFactory<Program> _bot = null!;

    public async Task InitializeAsync()
    {
        _xero = await FakeXero.StartAsync(_clock);
        _bot = await BotHost.StartAsync(_db, _clock, new Dictionary<string, string?>(_xero.Settings())
        {
            ["Sources:Xero:WebhookKey"] = WebhookKey, ["Chase:Approvers:0"] = "alice",
            ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace", ["Logging:LogLevel:System.Net.Http"] = "Trace",
        }, _logs);
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _xero.DisposeAsync();
        _db.Dispose();
    }

    [Fact]
    public async Task No_token_key_or_secret_of_the_books_is_in_the_logs_the_ledger_messages_or_the_command_line()
    {
        var issued = new List<string>();
        var connections = _bot.Services.GetRequiredService<Core.Sources.Connections.OAuthConnections>();
        var sources = _bot.Services.GetRequiredService<ConnectedSources>();
        await BooksConsent.ConnectAsync(connections);
        issued.Add(_xero.CurrentRefreshToken!);
        var invoice = _xero.Invoice("INV-1", 100m);
        await sources.SyncAsync("test", "xero", default);
        _clock.Advance(TimeSpan.FromMinutes(31));
        await sources.SyncAsync("test", "xero", default); // refreshed: a new refresh token
        issued.Add(_xero.CurrentRefreshToken!);
        using var client = _bot.CreateClient();
        var body = $$"""{"events":[{"resourceId":"{{invoice["InvoiceID"]}}","eventCategory":"INVOICE","eventType":"UPDATE","tenantId":"{{FakeXero.TenantId}}"}],"firstEventSequence":1,"lastEventSequence":1}""";
        foreach (var key in new[] { WebhookKey, "forged" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/xero") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("x-xero-signature", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(body))));
            Assert.Contains((await client.SendAsync(request)).StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Unauthorized });
        }
        _xero.RevokeAll();
        _clock.Advance(TimeSpan.FromMinutes(31));
        await sources.SyncAsync("test", "xero", default); // refused: said to the approver
        var cli = await Cli.RunAsync(_clock, _xero.Settings(), "sources", "--db", _db.Path);
        await connections.DisconnectAsync("xero", "test", default);

        var written = new List<string>(_logs.Lines.Select(l => l.Category + " " + l.Message + " " + string.Join(' ', l.Scope.Values)))
        {
            cli.Out, cli.Error,
        };
        await using (var db = _db.Open())
        {
            written.AddRange(await db.Outbox.Select(m => m.Body + " " + m.LastError).ToListAsync());
            written.AddRange(await db.AuditEntries.Select(a => a.Actor + " " + a.Details).ToListAsync());
            written.AddRange(await db.ImportRuns.Select(r => r.Message + " " + r.Cursor).ToListAsync());
        }
        Assert.True(_logs.Lines.Count > 50, $"only {_logs.Lines.Count} log lines: the Bot did not log at Trace");
        Assert.Contains(written, w => w.Contains("Xero no longer accepts", StringComparison.Ordinal)); // the problem is said …
        foreach (var secret in issued.Concat([FakeXero.ClientSecret, WebhookKey, "xat_", "xrt_"]))
            Assert.DoesNotContain(written, w => w.Contains(secret, StringComparison.Ordinal)); // … never the credentials
    }
}
