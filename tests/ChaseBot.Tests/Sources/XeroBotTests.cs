using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChaseBot.Tests.Sources;

/// <summary>
/// Xero through the Bot, as a person and as Xero reach it: the link from <c>connect xero</c> on the command line opens
/// Xero's consent page and comes back to <c>/connect/xero/callback</c> (the Bot reads tokens the command line's key
/// ring protected: one ring, in the ledger); then <c>POST /webhooks/xero</c>, signed as Xero documents it (base64
/// HMAC-SHA256 of the raw body), tampered, empty (Xero's intent-to-receive check) and replayed.
/// </summary>
public sealed class XeroBotTests : IAsyncLifetime
{
    private const string WebhookKey = "xero-webhook-key-for-tests";
    private readonly TestDatabase _db = new();
    private readonly FakeTimeProvider _clock = Clocks.At("2026-11-23T10:00:00Z");
    private FakeXero _xero = null!;
    private WebApplicationFactory<Program> _bot = null!;
    private HttpClient _client = null!;
    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    private Dictionary<string, string?> Settings() => new(_xero.Settings()) { ["Sources:Xero:WebhookKey"] = WebhookKey };

    public async Task InitializeAsync()
    {
        _xero = await FakeXero.StartAsync(_clock);
        _bot = await BotHost.StartAsync(_db, _clock, Settings());
        _client = _bot.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _browser.Dispose();
        await _bot.DisposeAsync();
        await _xero.DisposeAsync();
        _db.Dispose();
    }

    /// <summary>The whole consent, as a browser follows it; returns the Bot's last page.</summary>
    private async Task<HttpResponseMessage> ConnectThroughTheBotAsync()
    {
        var cli = await Cli.RunAsync(_clock, Settings(), "connect", "xero", "--user", "alice", "--db", _db.Path);
        Assert.Equal(0, cli.ExitCode);
        var link = new Uri(cli.Out.Split('\n')[1].Trim());
        Assert.Equal("chasebot.example", link.Host);

        var open = await _client.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, open.StatusCode);
        Assert.StartsWith(_xero.BaseUrl + "/identity/connect/authorize?", open.Headers.Location!.ToString());
        var consented = await _browser.GetAsync(open.Headers.Location);
        var back = consented.Headers.Location!;
        Assert.Equal("https://chasebot.example/connect/xero/callback", back.GetLeftPart(UriPartial.Path));
        return await _client.GetAsync(back.PathAndQuery);
    }

    private async Task<Invoice?> InvoiceAsync(string number)
    {
        await using var db = _db.Open();
        return await db.Invoices.SingleOrDefaultAsync(i => i.Number == number);
    }

    private static string Sign(string body, string key = WebhookKey) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(body)));

    private Task<HttpResponseMessage> PostAsync(string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/xero") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
            request.Headers.Add("x-xero-signature", signature);
        return _client.SendAsync(request);
    }

    private static string Events(params (string InvoiceId, string Tenant)[] events) => new JsonObject
    {
        ["events"] = new JsonArray([.. events.Select((e, n) => (JsonNode)new JsonObject
        {
            ["resourceUrl"] = $"https://api.xero.com/api.xro/2.0/Invoices/{e.InvoiceId}", ["resourceId"] = e.InvoiceId,
            ["eventDateUtc"] = "2026-11-23T10:05:00.000", ["eventType"] = "UPDATE", ["eventCategory"] = "INVOICE",
            ["tenantId"] = e.Tenant, ["tenantType"] = "ORGANISATION",
        })]),
        ["firstEventSequence"] = 1, ["lastEventSequence"] = events.Length, ["entropy"] = "S0m3r4Nd0mt3xt",
    }.ToJsonString();

    private async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300 && !await condition(); i++)
            await Task.Delay(50);
        Assert.True(await condition());
    }

    [Fact]
    public async Task The_link_from_the_command_line_connects_Xero_in_the_browser_and_the_first_sync_starts_at_once()
    {
        _xero.Invoice("INV-1", 1200m);

        var page = await ConnectThroughTheBotAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.StartsWith("Xero is connected: Harbour Studio Ltd. ChaseBot is reading its invoices now", await page.Content.ReadAsStringAsync());
        await WaitForAsync(async () => await InvoiceAsync("INV-1") is not null);
        var again = await _client.GetAsync("/connect/xero/callback?state=not-ours&code=x");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.StartsWith("This is not a link ChaseBot gave", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_signed_event_reads_its_invoice_again_a_tampered_one_gets_401_and_a_replay_changes_nothing()
    {
        var invoice = _xero.Invoice("INV-7", 900m);
        await ConnectThroughTheBotAsync();
        await WaitForAsync(async () => await InvoiceAsync("INV-7") is not null);
        _xero.Change(invoice, i => i["AmountPaid"] = 900m);
        var body = Events(((string)invoice["InvoiceID"]!, FakeXero.TenantId));

        var tampered = await PostAsync(body.Replace("UPDATE", "CREATE"), Sign(body));
        Assert.Equal((HttpStatusCode.Unauthorized, ""), (tampered.StatusCode, await tampered.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.Unauthorized, ""), ((await PostAsync(body, null)).StatusCode, ""));
        Assert.Equal(InvoiceStatus.Open, (await InvoiceAsync("INV-7"))!.Status);

        var signed = await PostAsync(body, Sign(body));
        Assert.Equal((HttpStatusCode.OK, ""), (signed.StatusCode, await signed.Content.ReadAsStringAsync()));
        Assert.Equal(InvoiceStatus.Paid, (await InvoiceAsync("INV-7"))!.Status);
        await using var db = _db.Open();
        var audited = await db.AuditEntries.CountAsync();

        var replay = await PostAsync(body, Sign(body));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(audited, await db.AuditEntries.CountAsync()); // read again, the same state: nothing new written
    }

    [Fact]
    public async Task Xeros_intent_to_receive_check_gets_200_for_a_good_signature_and_401_for_a_bad_one_with_empty_bodies()
    {
        var empty = """{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"IKNTGSAVZHWSTSVKXPKA"}""";

        var good = await PostAsync(empty, Sign(empty));
        var bad = await PostAsync(empty, Sign(empty, "not-the-key"));

        Assert.Equal((HttpStatusCode.OK, ""), (good.StatusCode, await good.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.Unauthorized, ""), (bad.StatusCode, await bad.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task An_event_for_another_organisation_reads_nothing()
    {
        await ConnectThroughTheBotAsync();
        var before = _xero.Calls.Count(c => c.Contains("IDs=", StringComparison.Ordinal));
        var body = Events((Guid.NewGuid().ToString(), "00000000-0000-0000-0000-000000000000"));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(body, Sign(body))).StatusCode);
        Assert.Equal(before, _xero.Calls.Count(c => c.Contains("IDs=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task When_Xero_is_slow_the_Bot_answers_within_5_seconds_and_reads_the_invoice_after()
    {
        var invoice = _xero.Invoice("INV-8", 500m);
        await ConnectThroughTheBotAsync();
        await WaitForAsync(async () => await InvoiceAsync("INV-8") is not null);
        _xero.Change(invoice, i => i["AmountPaid"] = 500m);
        _xero.Delay = TimeSpan.FromSeconds(6);
        var body = Events(((string)invoice["InvoiceID"]!, FakeXero.TenantId));

        var started = System.Diagnostics.Stopwatch.StartNew();
        var answer = await PostAsync(body, Sign(body));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"answered after {started.Elapsed}");
        _xero.Delay = TimeSpan.Zero;
        await WaitForAsync(async () => (await InvoiceAsync("INV-8"))!.Status == InvoiceStatus.Paid);
    }
}
