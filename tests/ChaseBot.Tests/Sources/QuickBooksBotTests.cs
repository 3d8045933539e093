using System.Net;
using System.Security.Cryptography;
using System.Text;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources.Connections;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChaseBot.Tests.Sources;

/// <summary>
/// The Bot's <c>POST /webhooks/quickbooks</c>, signed as Intuit documents it (<c>intuit-signature</c>: base64
/// HMAC-SHA256 of the raw body with the verifier token), in both of Intuit's payloads: the classic
/// <c>eventNotifications</c> and CloudEvents. A payment's event reads the invoice it paid.
/// </summary>
public sealed class QuickBooksBotTests : IAsyncLifetime
{
    private const string Verifier = "qb-verifier-token-for-tests";
    private readonly TestDatabase _db = new();
    private readonly FakeTimeProvider _clock = Clocks.At("2026-11-23T10:00:00Z");
    private FakeQuickBooks _qb = null!;
    private WebApplicationFactory<Program> _bot = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _qb = await FakeQuickBooks.StartAsync(_clock);
        _bot = await BotHost.StartAsync(_db, _clock, new Dictionary<string, string?>(_qb.Settings()) { ["Sources:QuickBooks:VerifierToken"] = Verifier });
        _client = _bot.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await BooksConsent.ConnectAsync(_bot.Services.GetRequiredService<OAuthConnections>(), source: "quickbooks");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _bot.DisposeAsync();
        await _qb.DisposeAsync();
        _db.Dispose();
    }

    private static string Sign(string body, string key = Verifier) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(body)));

    private Task<HttpResponseMessage> PostAsync(string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/quickbooks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
            request.Headers.Add("intuit-signature", signature);
        return _client.SendAsync(request);
    }

    private async Task<Invoice?> InvoiceAsync(string number)
    {
        await using var db = _db.Open();
        return await db.Invoices.SingleOrDefaultAsync(i => i.Number == number);
    }

    private static string Classic(string entity, string id, string realm = FakeQuickBooks.Realm) =>
        $$$"""{"eventNotifications":[{"realmId":"{{{realm}}}","dataChangeEvent":{"entities":[{"name":"{{{entity}}}","id":"{{{id}}}","operation":"Update","lastUpdated":"2026-11-23T10:05:00.000Z"}]}}]}""";

    private static string Cloud(string type, string id, string realm = FakeQuickBooks.Realm) =>
        $$$"""[{"specversion":"1.0","id":"{{{Guid.NewGuid()}}}","source":"intuit.test","type":"{{{type}}}","datacontenttype":"application/json","time":"2026-11-23T10:05:00.000Z","intuitentityid":"{{{id}}}","intuitaccountid":"{{{realm}}}","data":{}}]""";

    [Fact]
    public async Task A_classic_notification_reads_its_invoice_again_and_a_tampered_one_gets_401()
    {
        var invoice = _qb.Invoice("2001", 900m);
        var body = Classic("Invoice", (string)invoice["Id"]!);

        var tampered = await PostAsync(body.Replace("Update", "Create"), Sign(body));
        Assert.Equal((HttpStatusCode.Unauthorized, ""), (tampered.StatusCode, await tampered.Content.ReadAsStringAsync()));
        Assert.Null(await InvoiceAsync("2001"));

        var signed = await PostAsync(body, Sign(body));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(InvoiceStatus.Open, (await InvoiceAsync("2001"))!.Status);
    }

    [Fact]
    public async Task A_CloudEvents_payment_reads_the_invoice_it_paid_and_a_replay_changes_nothing_more()
    {
        var invoice = _qb.Invoice("2002", 400m);
        var created = Cloud("qbo.invoice.created.v1", (string)invoice["Id"]!);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(created, Sign(created))).StatusCode);
        var payment = _qb.Pay(invoice, 400m);
        var paid = Cloud("qbo.payment.created.v1", (string)payment["Id"]!);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(paid, Sign(paid))).StatusCode);

        Assert.Equal(InvoiceStatus.Paid, (await InvoiceAsync("2002"))!.Status);
        await using var db = _db.Open();
        var audited = await db.AuditEntries.CountAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(paid, Sign(paid))).StatusCode);
        Assert.Equal(audited, await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task Another_company_and_other_entities_are_acknowledged_and_read_nothing()
    {
        var before = _qb.Calls.Count;
        var other = Classic("Invoice", "77", realm: "123");
        var customer = Cloud("qbo.customer.updated.v1", "5");

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(other, Sign(other))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(customer, Sign(customer))).StatusCode);
        Assert.Equal(before, _qb.Calls.Count);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(other, null)).StatusCode);
    }
}
