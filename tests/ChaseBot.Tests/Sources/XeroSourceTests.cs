using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources;
using ChaseBot.Core.Sources.Connections;
using ChaseBot.Core.Sources.Xero;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Sources;

/// <summary>
/// Xero connected and synced against a fake of its login, identity server and Accounting API on 127.0.0.1
/// (<see cref="FakeXero"/>): the one-time link and PKCE, a first list page by page, then only what changed; tokens
/// that expire, rotate, get no answer or are revoked; Xero's limits; a sync cut short.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class XeroSourceTests : IAsyncLifetime
{
    private FakeXero _xero = null!;
    private ChaseHarness _h = null!;

    public async Task InitializeAsync()
    {
        _xero = await FakeXero.StartAsync(TimeProvider.System);
        _h = new ChaseHarness(configuration: _xero.Settings());
        _xero.Clock = _h.Clock;
    }

    public async Task DisposeAsync()
    {
        _h.Dispose();
        await _xero.DisposeAsync();
    }

    private OAuthConnections Connections => _h.Get<OAuthConnections>();
    private XeroSource Source => _h.Get<XeroSource>();

    private Task<Dictionary<string, Invoice>> LedgerAsync() =>
        _h.QueryAsync(db => db.Invoices.Include(i => i.Client).ToDictionaryAsync(i => i.Number));

    [Fact]
    public async Task Connecting_takes_a_one_time_link_and_Xeros_consent_and_keeps_the_tokens_encrypted()
    {
        var link = await Connections.StartAsync("xero", "slack:alice");
        Assert.StartsWith("https://chasebot.example/connect/xero?state=", link.Link.ToString());
        Assert.Equal(_h.Clock.GetUtcNow().UtcDateTime.AddMinutes(15), link.ExpiresAt);
        var state = QueryHelpers.ParseQuery(link.Link.Query)["state"].ToString();

        var consent = await Connections.ConsentPageAsync("xero", state, default);
        var asked = QueryHelpers.ParseQuery(consent.Query);
        Assert.Equal((FakeXero.ClientId, "S256", "https://chasebot.example/connect/xero/callback"),
            (asked["client_id"].ToString(), asked["code_challenge_method"].ToString(), asked["redirect_uri"].ToString()));
        Assert.Equal("offline_access accounting.invoices.read accounting.contacts.read", asked["scope"].ToString());

        var connected = await Connections.CompleteAsync("xero", await BooksConsent.ConsentAsync(consent), default);

        Assert.Equal((FakeXero.TenantId, FakeXero.TenantName), (connected.Tenant, connected.TenantName));
        var row = await _h.QueryAsync(db => db.SourceConnections.SingleAsync());
        Assert.DoesNotContain(_xero.CurrentRefreshToken!, row.RefreshToken); // encrypted with Data Protection
        Assert.DoesNotContain("xat_", row.AccessToken);
        Assert.Equal(_xero.CurrentRefreshToken, _h.Get<TokenVault>().Unprotect(row.RefreshToken));
        Assert.Equal("slack:alice", row.ConnectedBy);
        Assert.True(Source.Configured);
        Assert.Equal(1, await _h.QueryAsync(db => db.DataProtectionKeys.CountAsync())); // the key ring lives in the ledger

        var again = await Assert.ThrowsAsync<ConnectProblemException>(() => Connections.ConsentPageAsync("xero", state, default));
        Assert.Equal("This link was used already: ask for a new one with `connect xero`", again.Message);
    }

    [Fact]
    public async Task A_link_is_refused_after_15_minutes_and_a_made_up_state_is_refused()
    {
        var link = await Connections.StartAsync("xero", "cli:alice");
        _h.Clock.Advance(TimeSpan.FromMinutes(16));
        var state = QueryHelpers.ParseQuery(link.Link.Query)["state"].ToString();

        var expired = await Assert.ThrowsAsync<ConnectProblemException>(() => Connections.ConsentPageAsync("xero", state, default));
        Assert.Equal("This link expired: links to connect last 15 minutes. Ask for a new one with `connect xero`", expired.Message);
        var forged = await Assert.ThrowsAsync<ConnectProblemException>(() =>
            Connections.CompleteAsync("xero", new Dictionary<string, string> { ["state"] = "made-up", ["code"] = "x" }, default));
        Assert.StartsWith("This is not a link ChaseBot gave", forged.Message);
        Assert.False(await _h.QueryAsync(db => db.SourceConnections.AnyAsync()));
    }

    [Fact]
    public async Task The_first_sync_lists_every_sales_invoice_page_by_page_and_reads_the_pay_link_of_those_being_chased()
    {
        await BooksConsent.ConnectAsync(Connections);
        for (var n = 1; n <= 230; n++)
            _xero.Invoice($"INV-{n:D4}", 1000m + n, daysOverdue: -20); // not due yet: no pay link needed
        _xero.Invoice("INV-LATE", 2400m, daysOverdue: 12);
        _xero.Invoice("INV-PART", 800m, paid: 300m, daysOverdue: 5);
        _xero.Invoice("INV-PAID", 500m, paid: 500m, status: "PAID");
        _xero.Invoice("INV-VOID", 700m, status: "VOIDED");
        _xero.Invoice("INV-DRAFT", 900m, status: "DRAFT");
        _xero.Invoice("INV-EUR", 1500.50m, currency: "EUR", contact: "Brasserie Lumière SARL", email: "compta@lumiere.example");
        _xero.Invoice("BILL-1", 300m, type: "ACCPAY", contact: "Office Supplies Co");

        var summary = await Source.SyncAsync("test");

        Assert.Equal((ImportOutcome.Imported, 235, 0), (summary.Outcome, summary.Created, summary.RejectedCount));
        Assert.Equal(3, _xero.Calls.Count(c => c.StartsWith("/api.xro/2.0/Invoices?page=", StringComparison.Ordinal))); // 100 + 100 + 35
        var ledger = await LedgerAsync();
        Assert.DoesNotContain("INV-DRAFT", ledger.Keys);
        Assert.DoesNotContain("BILL-1", ledger.Keys);
        Assert.Equal((InvoiceStatus.PartiallyPaid, 300m, 500m), (ledger["INV-PART"].Status, ledger["INV-PART"].AmountPaid, ledger["INV-PART"].AmountDue));
        Assert.Equal(InvoiceStatus.Paid, ledger["INV-PAID"].Status);
        Assert.Equal(InvoiceStatus.Void, ledger["INV-VOID"].Status);
        Assert.Equal(("EUR", 1500.50m, "Brasserie Lumière SARL", "compta@lumiere.example"),
            (ledger["INV-EUR"].Currency, ledger["INV-EUR"].AmountDue, ledger["INV-EUR"].Client.Name, ledger["INV-EUR"].Client.BillingEmail));
        Assert.Equal(_h.Today.AddDays(-12), ledger["INV-LATE"].DueDate);
        Assert.StartsWith("https://in.xero.example/", ledger["INV-LATE"].PaymentLink);
        Assert.StartsWith("https://in.xero.example/", ledger["INV-PART"].PaymentLink);
        Assert.Null(ledger["INV-0001"].PaymentLink); // not due for 20 days: its page is read when it is about to be chased
        Assert.Equal(ledger["INV-LATE"].SourceId, _xero.Calls.Single(c => c.EndsWith("/OnlineInvoice", StringComparison.Ordinal)
            && c.Contains(ledger["INV-LATE"].SourceId!, StringComparison.Ordinal)).Split('/')[4]);
    }

    [Fact]
    public async Task Later_syncs_read_only_what_changed_payments_credits_voids_and_deletions()
    {
        _xero.Invoice("INV-4", 400m); // last changed an hour before the others
        _h.Clock.Advance(TimeSpan.FromHours(1));
        await BooksConsent.ConnectAsync(Connections);
        var paid = _xero.Invoice("INV-1", 1200m);
        var credited = _xero.Invoice("INV-2", 1000m);
        var voided = _xero.Invoice("INV-3", 600m);
        await Source.SyncAsync("test");

        _h.Clock.Advance(TimeSpan.FromMinutes(15));
        _xero.Change(paid, i => i["AmountPaid"] = 1200m);
        _xero.Change(credited, i => i["AmountCredited"] = 250m);
        _xero.Change(voided, i => i["Status"] = "VOIDED");
        var summary = await Source.SyncAsync("test");

        Assert.Equal((3, 3, 0), (summary.Rows, summary.Updated, summary.FlaggedMissing)); // INV-4 unchanged, not listed, not missing
        var ledger = await LedgerAsync();
        Assert.Equal(InvoiceStatus.Paid, ledger["INV-1"].Status);
        Assert.Equal((InvoiceStatus.PartiallyPaid, 750m), (ledger["INV-2"].Status, ledger["INV-2"].AmountDue));
        Assert.Equal(InvoiceStatus.Void, ledger["INV-3"].Status);
        Assert.Equal(InvoiceStatus.Open, ledger["INV-4"].Status);
        var run = await _h.QueryAsync(db => db.ImportRuns.OrderBy(r => r.Id).LastAsync());
        Assert.Equal((ImportOrigin.Sync, FactsMode.Changes, "xero"), (run.Origin, run.Mode, run.Source));
        Assert.StartsWith("modified-since:2026-11-23T11:15:00", run.Cursor); // the newest change Xero showed
    }

    [Fact]
    public async Task An_expired_access_token_is_refreshed_and_the_refresh_token_rotates()
    {
        await BooksConsent.ConnectAsync(Connections);
        _xero.Invoice("INV-1", 1200m);
        var first = _xero.CurrentRefreshToken;

        _h.Clock.Advance(TimeSpan.FromMinutes(31)); // the 30-minute access token has expired
        Assert.Equal(ImportOutcome.Imported, (await Source.SyncAsync("test")).Outcome);
        Assert.Equal(1, _xero.Refreshes);
        Assert.NotEqual(first, _xero.CurrentRefreshToken);
        var row = await _h.QueryAsync(db => db.SourceConnections.SingleAsync());
        Assert.Equal(_xero.CurrentRefreshToken, _h.Get<TokenVault>().Unprotect(row.RefreshToken));
        Assert.Equal(_h.Clock.GetUtcNow().UtcDateTime.AddDays(60), row.RefreshExpiresAt);

        _xero.ExpireAccessTokens(); // Xero refuses the token before its time: refreshed once and the call made again
        Assert.Equal(ImportOutcome.Imported, (await Source.SyncAsync("test")).Outcome);
        Assert.Equal(2, _xero.Refreshes);
    }

    [Fact]
    public async Task A_refresh_that_gets_no_answer_keeps_the_connection_and_the_next_sync_succeeds_within_Xeros_grace()
    {
        await BooksConsent.ConnectAsync(Connections);
        _xero.Invoice("INV-1", 1200m);
        _h.Clock.Advance(TimeSpan.FromMinutes(31));
        _xero.DropNextTokenAnswer = true; // Xero rotated the token, but ChaseBot never heard the new one

        var failed = (await _h.Get<ConnectedSources>().SyncAsync("test", "xero", default)).Single();
        Assert.Null(failed.Summary);
        Assert.StartsWith("Xero could not be reached", failed.Problem);
        Assert.Null(await _h.QueryAsync(db => db.SourceConnections.Select(c => c.RevokedAt).SingleAsync()));
        Assert.Empty(await _h.QueryAsync(db => db.Outbox.ToListAsync())); // not refused: nobody is told to reconnect

        _h.Clock.Advance(TimeSpan.FromMinutes(10)); // the old refresh token is still good for 30 minutes
        var retried = (await _h.Get<ConnectedSources>().SyncAsync("test", "xero", default)).Single();
        Assert.Equal(ImportOutcome.Imported, retried.Summary!.Outcome);
    }

    [Fact]
    public async Task A_revoked_connection_holds_Xeros_clients_and_is_said_once_to_each_approver_with_a_reconnect_link()
    {
        await BooksConsent.ConnectAsync(Connections);
        _xero.Invoice("INV-1", 1200m);
        await Source.SyncAsync("test");
        _xero.RevokeAll(); // disconnected in Xero's settings
        _h.Clock.Advance(TimeSpan.FromMinutes(40));

        await _h.Get<ConnectedSources>().SyncAsync("test", null, default);
        await _h.Get<ConnectedSources>().SyncAsync("test", null, default); // still refused: told once

        var told = await _h.QueryAsync(db => db.Outbox.Where(m => m.Kind == OutboxKinds.SourceRefused).ToListAsync());
        var message = ChatMessage.FromJson(Assert.Single(told).Body);
        Assert.Equal("Xero disconnected ChaseBot", message.Title);
        Assert.Equal("Xero no longer accepts ChaseBot's connection (revoked in Xero, or unused for too long): reconnect it with " +
                     "`/chase connect xero` (or `connect xero` on the command line).", message.Lines[0]);
        Assert.Matches(@"^Reconnect Xero: https://chasebot\.example/connect/xero\?state=[A-Za-z0-9_-]+ \(valid for 24 hours, once; /chase connect xero gives a fresh one\)\.$",
            message.Lines[1]);
        var state = (await _h.Get<ConnectedSources>().StatesAsync(default)).Single(s => s.Source == "xero");
        Assert.True(state.Connected);
        Assert.StartsWith("Xero no longer accepts", state.Problem);
        Assert.DoesNotContain("xrt_", string.Join(' ', message.Lines)); // no token in anything people read

        // Reconnected: the problem is gone and syncs work again.
        await BooksConsent.ConnectAsync(Connections);
        var again = (await _h.Get<ConnectedSources>().SyncAsync("test", "xero", default)).Single();
        Assert.Equal(ImportOutcome.Imported, again.Summary!.Outcome);
    }

    [Fact]
    public async Task A_refresh_token_unused_for_60_days_is_refused_and_said_as_a_connection_to_renew()
    {
        await BooksConsent.ConnectAsync(Connections);
        _h.Clock.Advance(TimeSpan.FromDays(61)); // no sync for two months: Xero lets the refresh token lapse

        var result = (await _h.Get<ConnectedSources>().SyncAsync("test", "xero", default)).Single();

        Assert.Equal("Xero no longer accepts ChaseBot's connection (revoked in Xero, or unused for too long): reconnect it with " +
                     "`/chase connect xero` (or `connect xero` on the command line)", result.Problem);
        Assert.NotNull(await _h.QueryAsync(db => db.SourceConnections.Select(c => c.RevokedAt).SingleAsync()));
    }

    [Fact]
    public async Task A_429_is_waited_out_and_a_day_without_calls_left_is_said_with_when_it_resumes()
    {
        await BooksConsent.ConnectAsync(Connections);
        _xero.Invoice("INV-1", 1200m);
        _xero.FailNext(429);
        Assert.Equal(ImportOutcome.Imported, (await Source.SyncAsync("test")).Outcome); // Retry-After: 1, then again

        _xero.DayUsed = 4700;
        _h.Clock.Advance(TimeSpan.FromMinutes(15));
        await Source.SyncAsync("test");
        var low = (await _h.Get<ConnectedSources>().StatesAsync(default)).Single(s => s.Source == "xero");
        Assert.Equal(("Harbour Studio Ltd", 299, "299 of 5,000 calls left today (low: syncs wait for tomorrow's)"),
            (low.Organisation, low.CallsLeftToday, low.Budget));

        _xero.DayUsed = 5000;
        var spent = (await _h.Get<ConnectedSources>().SyncAsync("test", "xero", default)).Single();
        Assert.Equal("Xero's limit of 5,000 calls a day for this organisation is used up; syncing resumes in 5 hours", spent.Problem);
    }

    [Fact]
    public async Task When_Xero_says_no_calls_are_left_this_minute_the_next_waits_instead_of_being_refused()
    {
        await BooksConsent.ConnectAsync(Connections);
        (_xero.MinuteLimit, _xero.MinuteWindow) = (3, TimeSpan.FromSeconds(2)); // a short "minute", to see it without waiting one
        _h.Get<XeroApi>().MinuteWindow = TimeSpan.FromSeconds(2);
        for (var n = 1; n <= 450; n++)
            _xero.Invoice($"INV-{n:D4}", 100m, daysOverdue: -5);

        var summary = await Source.SyncAsync("test");

        Assert.Equal(450, summary.Created);
        Assert.Equal(0, _xero.Refused429);
        Assert.True(_xero.MostAtOnce <= 5);
    }

    [Fact]
    public async Task A_sync_cut_short_writes_nothing_and_the_next_one_writes_everything_once()
    {
        await BooksConsent.ConnectAsync(Connections);
        for (var n = 1; n <= 250; n++)
            _xero.Invoice($"INV-{n:D4}", 100m + n);
        _xero.FailNext(0, 0, 500); // the third page fails: as if the Worker died there

        var broken = (await _h.Get<ConnectedSources>().SyncAsync("test", "xero", default)).Single();
        Assert.Equal("Xero answered 500 to api.xro/2.0/Invoices; the next sync tries again", broken.Problem);
        Assert.Equal(0, await _h.QueryAsync(db => db.Invoices.CountAsync()));

        var summary = await Source.SyncAsync("test");
        Assert.Equal((250, FactsMode.Snapshot), (summary.Created, (await _h.QueryAsync(db => db.ImportRuns.OrderBy(r => r.Id).LastAsync())).Mode));
        Assert.Equal(250, await _h.QueryAsync(db => db.Invoices.CountAsync()));
    }

    [Fact]
    public async Task Disconnecting_revokes_the_token_with_Xero_and_forgets_the_connection()
    {
        await BooksConsent.ConnectAsync(Connections);
        Assert.StartsWith("Xero disconnected", await _h.SayAsync("disconnect xero", "alice"));
        Assert.Contains("revoke", _xero.Calls);
        Assert.Null(_xero.CurrentRefreshToken);
        Assert.False(await _h.QueryAsync(db => db.SourceConnections.AnyAsync()));
        Assert.False(Source.Configured);
        Assert.Equal("source.disconnected", await _h.QueryAsync(db => db.AuditEntries.OrderBy(a => a.Id).Select(a => a.Action).LastAsync()));
    }

    [Fact]
    public async Task In_chat_only_an_approver_gets_a_link_to_connect()
    {
        Assert.Contains("approver", await _h.SayAsync("connect xero", "bob"), StringComparison.OrdinalIgnoreCase);
        var reply = await _h.SayAsync("connect xero", "alice");
        Assert.StartsWith("Connect Xero\nOpen https://chasebot.example/connect/xero?state=", reply);
        Assert.Contains("within 15 minutes", reply);
        Assert.Equal(1, await _h.QueryAsync(db => db.ConnectRequests.CountAsync(r => r.RequestedBy == "slack:alice" || r.RequestedBy.EndsWith(":alice"))));
    }
}
