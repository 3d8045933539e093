using ChaseBot.Core.Commands;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Commands;

/// <summary>The /chase grammar, as any platform reaches it: every command's happy path, its bad input, and roles.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class ChaseCommandsTests : IDisposable
{
    private readonly ChaseHarness _h = new(configure: o => o.DefaultOwner = "U0OWNER");

    public void Dispose() => _h.Dispose();

    private async Task<Invoice> Kauri(int daysLate = 10, decimal amount = 4600m)
    {
        var client = await _h.ClientAsync("Kauri Digital Ltd");
        return await _h.InvoiceAsync(client, "INV-0101", daysLate, amount, i => i.Currency = "NZD");
    }

    private Task<Invoice> Reload(long id) => _h.QueryAsync(db => db.Invoices.SingleAsync(i => i.Id == id));

    [Fact]
    public async Task A_payment_with_a_date_and_no_amount_uses_that_date_and_a_future_one_is_refused()
    {
        var invoice = await Kauri();

        var tomorrow = await _h.SayAsync("paid INV-0101 tomorrow", "UAPPROVER");
        Assert.Contains("A payment cannot be in the future", tomorrow);
        Assert.Equal(0m, (await Reload(invoice.Id)).AmountPaid);

        var yesterday = await _h.SayAsync("paid INV-0101 2026-11-22", "UAPPROVER");
        Assert.Contains("Logged NZD 4,600.00 paid on 22 Nov for INV-0101", yesterday);
        Assert.Equal(new DateOnly(2026, 11, 22), await _h.QueryAsync(db => db.Payments.Select(p => p.PaidOn).SingleAsync()));
    }

    [Fact]
    public async Task Case_shows_a_clients_collection_by_part_of_its_name_and_every_case_without_one()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd"), "INV-0101", 30, 4600m, i => i.Currency = "NZD");
        await _h.InvoiceAsync(await _h.ClientAsync("Tui Print & Design"), "INV-0102", 8, 650m, i => i.Currency = "NZD");
        await _h.Runner.RunAsync();

        var kauri = await _h.SayAsync("case kauri");
        var all = await _h.SayAsync("case");
        var nobody = await _h.Commands().HandleAsync("case Nobody Ltd", new CommandContext("U1", "slack"));

        Assert.StartsWith("Collection case: Kauri Digital Ltd\n*Kauri Digital Ltd (NZD): NZD 4,600.00 overdue on 1 invoice*", kauri);
        Assert.Contains("Waiting for a decision: formal late notice (proposal 1)", kauri);
        Assert.Contains("23 Nov 2026 · Proposed: formal late notice (proposal 1)", kauri);
        Assert.Contains("Kauri Digital Ltd (NZD): NZD 4,600.00 overdue on 1 invoice · Stage: nothing sent yet · case opened 23 Nov 2026", all);
        Assert.Contains("Tui Print & Design (NZD): NZD 650.00 overdue on 1 invoice · Stage: second reminder (drafted 23 Nov 2026)", all);
        Assert.Equal(CommandOutcome.Refused, nobody.Outcome);
        Assert.Contains("No client matches \"Nobody Ltd\"", nobody.ToText());
    }

    [Fact]
    public async Task A_promise_repeats_its_amount_and_a_quoted_client_can_be_snoozed_in_so_many_days()
    {
        await Kauri();
        await _h.InvoiceAsync(await _h.ClientAsync("Moana Surf School"), "INV-0107", 5, 3450m);

        var promise = await _h.SayAsync("promise INV-0101 2026-11-30 NZD 1000", "UAPPROVER");
        var snooze = await _h.SayAsync("snooze \"Moana Surf School\" in 7 days", "UAPPROVER");

        Assert.Contains("Promise recorded: Kauri Digital Ltd will pay NZD 1,000.00 of INV-0101 by 30 Nov.", promise);
        Assert.Contains("All of Moana Surf School's invoices are snoozed until 30 Nov.", snooze);
    }

    [Theory]
    [InlineData("dispute INV-0101 wrong rate", "· open · disputed")]
    [InlineData("promise INV-0101 in 5 days", "· open · promised by 28 Nov")]
    [InlineData("snooze INV-0101 10", "· open · snoozed until 3 Dec")]
    [InlineData("client Kauri Digital Ltd pause", "· open · client paused")]
    public async Task Status_for_a_client_says_which_invoices_are_disputed_promised_snoozed_or_paused(string hold, string shown)
    {
        await Kauri();
        await _h.SayAsync(hold, "UAPPROVER");

        var status = await _h.SayAsync("status Kauri");

        Assert.True(status.Contains("INV-0101 · Kauri Digital Ltd · NZD 4,600.00 due 13 Nov · 10 days late " + shown, StringComparison.Ordinal), status);
    }

    [Fact]
    public async Task Status_lists_what_is_owed_and_says_so_for_a_client_or_invoice()
    {
        await Kauri();
        var all = await _h.SayAsync("status");
        var one = await _h.SayAsync("status INV-0101");
        var typo = await _h.SayAsync("status Kauri Digitel Ltd");

        Assert.Contains("NZD 4,600.00 owed on 1 invoice", all);
        Assert.Contains("INV-0101 · Kauri Digital Ltd · NZD 4,600.00", one);
        Assert.Contains("Did you mean: Kauri Digital Ltd?", typo);
    }

    [Fact]
    public async Task Status_public_is_marked_for_the_channel_and_plain_status_is_private()
    {
        await Kauri();
        var commands = _h.Commands();
        Assert.False((await commands.HandleAsync("status", new CommandContext("U1", "slack"))).Public);
        Assert.True((await commands.HandleAsync("status public", new CommandContext("U1", "slack"))).Public);
    }

    [Fact]
    public async Task A_repeated_status_is_answered_again_only_while_nothing_was_committed_since()
    {
        // The Bot serves a status again while the database is unchanged; a change from anywhere (another connection,
        // as the Worker's import or another command would make) must show in the very next answer.
        var invoice = await Kauri();
        using var changes = new ChaseBot.Core.Storage.LedgerChanges(_h.Db.Factory, _h.Clock);
        var commands = _h.Commands(changes: changes);
        async Task<string> Status(string text = "status") => (await commands.HandleAsync(text, new CommandContext("U1", "slack"))).ToText();

        var first = await Status();
        Assert.Equal(first, await Status());
        Assert.Contains("NZD 4,600.00 owed on 1 invoice", first);
        var version = changes.Version();
        Assert.NotNull(version); // SQLite's commit counter, or PostgreSQL's snapshot

        await using (var db = _h.Db.Open())
        {
            // As the import changes an invoice: the row and its audit entry, on a connection of its own.
            var changed = await db.Invoices.SingleAsync(i => i.Id == invoice.Id);
            (changed.AmountPaid, changed.AmountDue, changed.Status) = (3600m, 1000m, InvoiceStatus.PartiallyPaid);
            db.AuditEntries.Add(new AuditEntry { At = DateTime.UtcNow, Actor = "test", Action = "invoice.updated", Subject = "INV-0101" });
            await db.SaveChangesAsync();
        }
        Assert.NotEqual(version, changes.Version());
        Assert.Contains("NZD 1,000.00 owed on 1 invoice", await Status());
        Assert.Contains("NZD 1,000.00 due", await Status("status INV-0101"));

        Assert.StartsWith("Logged NZD", (await commands.HandleAsync("paid INV-0101", new CommandContext("U7", "slack"))).ToText());
        Assert.Contains("Nothing outstanding", await Status());
        Assert.Contains("paid", await Status("status INV-0101"));
    }

    [Theory]
    [InlineData("paid INV-0101", 4600, InvoiceStatus.Paid)]
    [InlineData("paid INV-0101 1000", 1000, InvoiceStatus.PartiallyPaid)]
    [InlineData("paid INV-0101 NZD 1,000.50", 1000.50, InvoiceStatus.PartiallyPaid)]
    [InlineData("paid inv-0101 1000 2026-11-20", 1000, InvoiceStatus.PartiallyPaid)]
    public async Task Paid_logs_the_payment_updates_the_balance_and_is_audited(string text, double amount, InvoiceStatus status)
    {
        var invoice = await Kauri();

        var reply = await _h.SayAsync(text, "U7");

        Assert.StartsWith("Logged NZD", reply);
        var after = await Reload(invoice.Id);
        Assert.Equal((4600m - (decimal)amount, status), (after.AmountDue, after.Status));
        var payment = await _h.QueryAsync(db => db.Payments.SingleAsync());
        Assert.Equal(((decimal)amount, PaymentOrigin.Logged, "slack:U7"), (payment.Amount, payment.Origin, payment.RecordedBy));
        Assert.True(await _h.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Actor == "slack:U7" && a.Action == "payment.logged")));
    }

    [Theory]
    [InlineData("paid", "Usage: paid")]
    [InlineData("paid INV-0101 lots", "\"lots\" is not an amount")]
    [InlineData("paid INV-0101 -5", "more than zero")]
    [InlineData("paid INV-0101 0", "more than zero")]
    [InlineData("paid INV-0101 99999999999", "more than the NZD 4,600.00 due")]
    [InlineData("paid INV-0101 USD 100", "in NZD, not USD")]
    [InlineData("paid INV-0101 100 2030-01-01", "cannot be in the future")]
    [InlineData("paid INV-0101 100 1/2/2026", "is not a date")]
    [InlineData("paid INV-O101", "Did you mean: INV-0101")]
    [InlineData("paid ＩＮＶ-0101", "There is no invoice")] // full-width confusables are not the same number
    [InlineData("paid INV-0101'; DROP TABLE Invoices;--", "There is no invoice")]
    public async Task Bad_payments_get_a_clear_answer_and_change_nothing(string text, string expected)
    {
        var invoice = await Kauri();

        var reply = await _h.SayAsync(text);

        Assert.Contains(expected, reply);
        Assert.Equal(4600m, (await Reload(invoice.Id)).AmountDue);
        Assert.False(await _h.QueryAsync(db => db.Payments.AnyAsync()));
    }

    [Fact]
    public async Task A_payment_logged_in_chat_and_then_seen_in_the_export_is_one_payment()
    {
        const string header = Exports.ExportQuirkTests.XeroHeader;
        var importer = _h.Db.Importer(_h.Clock);
        await importer.ImportFileAsync(_h.Db.WriteFile("1.csv", header + "\nKauri,,INV-9,01/10/2026,31/10/2026,800.00,0.00,800.00,NZD,Sales invoice,Awaiting Payment\n"), new ImportSettings());
        await _h.SayAsync("paid INV-9 300");

        // The accounting tool has not caught up yet: the logged payment is kept, not undone.
        var stale = await importer.ImportFileAsync(_h.Db.WriteFile("2.csv", header + "\nKauri,,INV-9,01/10/2026,31/10/2026,800.00,0.00,800.00,NZD,Sales invoice,Awaiting Payment\n\n"), new ImportSettings());
        Assert.Contains(stale.Warnings, w => w.Contains("logged in chat"));
        Assert.Equal(500m, (await _h.QueryAsync(db => db.Invoices.SingleAsync())).AmountDue);

        // Now the export shows the same 300: nothing new. Then a further 200: one more payment, of 200.
        await importer.ImportFileAsync(_h.Db.WriteFile("3.csv", header + "\nKauri,,INV-9,01/10/2026,31/10/2026,800.00,300.00,500.00,NZD,Sales invoice,Awaiting Payment\n"), new ImportSettings());
        await importer.ImportFileAsync(_h.Db.WriteFile("4.csv", header + "\nKauri,,INV-9,01/10/2026,31/10/2026,800.00,500.00,300.00,NZD,Sales invoice,Awaiting Payment\n"), new ImportSettings());

        var payments = await _h.QueryAsync(db => db.Payments.OrderBy(p => p.Id).Select(p => new { p.Amount, p.Origin }).ToListAsync());
        Assert.Equal([(300m, PaymentOrigin.Logged), (200m, PaymentOrigin.Export)], payments.Select(p => (p.Amount, p.Origin)));
    }

    [Fact]
    public async Task Dispute_pauses_chasing_until_resolved_and_both_are_audited()
    {
        var invoice = await Kauri();

        var opened = await _h.SayAsync("dispute INV-0101 the homepage was never delivered");
        var twice = await _h.SayAsync("dispute INV-0101 again");
        Assert.Equal(1, (await _h.Runner.RunAsync()).Held);
        var resolved = await _h.SayAsync("resolve INV-0101 delivered on Tuesday");
        var again = await _h.SayAsync("resolve INV-0101");

        Assert.Contains("Chasing is paused", opened);
        Assert.Contains("already disputed", twice);
        Assert.Contains("resolved", resolved);
        Assert.Contains("no open dispute", again);
        var dispute = await _h.QueryAsync(db => db.Disputes.SingleAsync());
        Assert.Equal(("the homepage was never delivered", "delivered on Tuesday", "slack:U1"), (dispute.Reason, dispute.ResolutionNote, dispute.ResolvedBy));
        Assert.Equal(invoice.Id, dispute.InvoiceId);
        Assert.Equal(1, await _h.QueryAsync(db => db.MoraleChecks.CountAsync(c => c.Trigger == "dispute")));
    }

    [Theory]
    [InlineData("promise INV-0101 tomorrow", "2026-11-24")]
    [InlineData("promise INV-0101 in 7 days", "2026-11-30")]
    [InlineData("promise INV-0101 2026-12-15 NZD 1000", "2026-12-15")]
    public async Task Promise_records_the_date_and_chasing_waits_for_it(string text, string date)
    {
        await Kauri();
        Assert.Contains("Promise recorded", await _h.SayAsync(text));
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
            await _h.QueryAsync(db => db.PaymentPromises.Select(p => p.PromisedFor).SingleAsync()));
        Assert.Equal(1, (await _h.Runner.RunAsync()).Held);
    }

    [Theory]
    [InlineData("promise INV-0101 yesterday")]
    [InlineData("promise INV-0101 2019-01-01")]
    [InlineData("promise INV-0101 2099-01-01")]
    [InlineData("promise INV-0101 in 7 fortnights")]
    [InlineData("promise INV-0101 tomorrow 99999")]
    public async Task Bad_promises_are_refused(string text)
    {
        await Kauri();
        await _h.SayAsync(text);
        Assert.False(await _h.QueryAsync(db => db.PaymentPromises.AnyAsync()));
    }

    [Fact]
    public async Task Snooze_and_resume_work_on_an_invoice_or_a_whole_client()
    {
        var invoice = await Kauri();

        Assert.Contains("snoozed until 30 Nov", await _h.SayAsync("snooze INV-0101 7"));
        Assert.Equal(new DateOnly(2026, 11, 30), (await Reload(invoice.Id)).SnoozedUntil);
        Assert.Contains("resumes", await _h.SayAsync("resume INV-0101"));
        Assert.Null((await Reload(invoice.Id)).SnoozedUntil);

        Assert.Contains("snoozed until 7 Dec", await _h.SayAsync("snooze Kauri Digital Ltd in 2 weeks"));
        var client = await _h.QueryAsync(db => db.Clients.SingleAsync());
        Assert.Equal((true, new DateOnly(2026, 12, 7)), (client.IsPaused, client.PausedUntil));
        Assert.Contains("resumes", await _h.SayAsync("resume Kauri Digital Ltd"));
        Assert.False((await _h.QueryAsync(db => db.Clients.SingleAsync())).IsPaused);

        Assert.Contains("Say how long", await _h.SayAsync("snooze INV-0101 forever"));
        Assert.Contains("Say how long", await _h.SayAsync("snooze INV-0101 999"));
    }

    [Fact]
    public async Task Client_settings_owner_channel_cc_clauses_and_pause_are_recorded()
    {
        await Kauri();

        // The owner is named as the platform knows them (no name recorded yet: their id), and mentioned on the reply.
        Assert.Contains("owner U0ABC123", await _h.SayAsync("client Kauri Digital Ltd owner <@U0ABC123|ana>"));
        Assert.Contains("channel C0CHAN1", await _h.SayAsync("client Kauri Digital Ltd channel <#C0CHAN1|kauri>"));
        Assert.Contains("CC accounts@kauri.example", await _h.SayAsync("client Kauri Digital Ltd cc accounts@kauri.example"));
        Assert.Contains("service changes permitted", await _h.SayAsync("client Kauri Digital Ltd allow service-changes"));
        Assert.Contains("owned until paid: no", await _h.SayAsync("client \"Kauri Digital Ltd\" deny owned-until-paid"));
        Assert.Contains("paused until resumed", await _h.SayAsync("client Kauri Digital Ltd pause"));

        var client = await _h.QueryAsync(db => db.Clients.SingleAsync());
        Assert.Equal(("U0ABC123", "C0CHAN1", "accounts@kauri.example", true, false, true),
            (client.OwnerUserId, client.Channel, client.CcAddresses, client.Clauses.PermitsServiceChanges, client.Clauses.OwnedUntilPaid, client.IsPaused));
        Assert.Equal(6, await _h.QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "client.updated")));

        Assert.Contains("\"not-an-email\" is not one email address", await _h.SayAsync("client Kauri Digital Ltd cc not-an-email"));
        Assert.Contains("Clauses are service-changes, owned-until-paid and referral", await _h.SayAsync("client Kauri Digital Ltd allow anything"));
        Assert.Contains("There is no client", await _h.SayAsync("client Nobody Ltd pause"));
    }

    [Fact]
    public async Task A_referral_needs_its_clause_and_who_it_goes_to_before_a_hand_off_tells_the_client()
    {
        await Kauri();

        Assert.Equal("Kauri Digital Ltd: a referral goes to Acme Collections Ltd (the contract's referral clause is not recorded yet: allow referral).",
            await _h.SayAsync("client Kauri Digital Ltd refer-to \"Acme Collections Ltd\""));
        var client = await _h.QueryAsync(db => db.Clients.SingleAsync());
        Assert.Null(ChaseBot.Core.Chasing.ClientView.From(client, _h.Settings).ReferTo); // named, but not allowed: no client text
        Assert.Equal("Kauri Digital Ltd: the debt may be referred to a third party (Acme Collections Ltd).",
            await _h.SayAsync("client Kauri allow referral"));
        client = await _h.QueryAsync(db => db.Clients.SingleAsync());
        Assert.Equal("Acme Collections Ltd", ChaseBot.Core.Chasing.ClientView.From(client, _h.Settings).ReferTo);
        Assert.Contains("nobody to refer to", await _h.SayAsync("client Kauri refer-to none"));
        Assert.Null((await _h.QueryAsync(db => db.Clients.SingleAsync())).Clauses.ReferTo);
    }

    [Fact]
    public async Task Billing_and_cc_addresses_are_set_removed_and_validated_and_a_header_trick_is_refused()
    {
        await Kauri();

        Assert.Contains("billing email ap@kauri.example", await _h.SayAsync("client Kauri email ap@kauri.example"));
        await _h.SayAsync("client Kauri cc accounts@kauri.example");
        await _h.SayAsync("client Kauri cc finance@kauri.example");
        Assert.Contains("accounts@kauri.example removed; CC finance@kauri.example", await _h.SayAsync("client Kauri cc remove accounts@kauri.example"));
        Assert.Contains("has no CC address nobody@kauri.example", await _h.SayAsync("client Kauri cc remove nobody@kauri.example"));
        foreach (var trick in new[] { "a@b.example\r\nBcc: all@evil.example", "a@b.example, c@d.example", "Boss <a@b.example>", "a@b" })
            Assert.Contains("is not one email address", await _h.SayAsync($"client Kauri email {trick}"));

        var client = await _h.QueryAsync(db => db.Clients.SingleAsync());
        Assert.Equal(("ap@kauri.example", "finance@kauri.example"), (client.BillingEmail, client.CcAddresses));
    }

    [Fact]
    public async Task A_reminder_for_a_client_without_a_billing_address_says_how_to_add_one()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Moana Surf School", c => c.BillingEmail = null), "M-1", 3);

        await _h.ChaseAndDeliverAsync();

        var reminder = Assert.Single(_h.Platform.Sent).Content;
        Assert.Contains("No billing address is recorded for Moana Surf School; add it with: /chase client \"Moana Surf School\" email accounts@…", reminder.Lines);
    }

    [Fact]
    public async Task Roles_viewers_and_collectors_are_checked_and_the_refusal_says_how_to_configure_them()
    {
        await Kauri();
        var roles = new ChatOptions { Viewers = ["U1", "U2"], Collectors = ["U2"] };

        Assert.Contains("Owed as of", await _h.SayAsync("status", "U1", roles));
        Assert.Contains("Chat:Collectors", await _h.SayAsync("paid INV-0101", "U1", roles));
        Assert.Contains("Chat:Viewers", await _h.SayAsync("status", "U9", roles));
        Assert.StartsWith("Logged", await _h.SayAsync("paid INV-0101 100", "U2", roles));
        Assert.StartsWith("Logged", await _h.SayAsync("paid INV-0101 100", "alice", roles)); // approvers may collect too
    }

    [Theory]
    [InlineData("")]
    [InlineData("help")]
    [InlineData("frobnicate the ledger")]
    public async Task Unknown_or_empty_input_gets_the_help(string text) =>
        Assert.Contains("paid <invoice> [amount] [date]", await _h.SayAsync(text));

    [Fact]
    public async Task Morale_on_and_off_is_per_person()
    {
        Assert.Contains("off", await _h.SayAsync("morale off", "U5"));
        Assert.True(await _h.QueryAsync(db => db.ChatUsers.Where(u => u.UserId == "U5").Select(u => u.MoraleOptOut).SingleAsync()));
        Assert.Contains("Usage: morale", await _h.SayAsync("morale maybe", "U5"));
    }

    [Fact]
    public async Task A_very_long_command_is_refused_politely() =>
        Assert.Contains("too long", await _h.SayAsync("status " + new string('x', 5000)));

    [Theory]
    [InlineData("status", true)]
    [InlineData("STATUS Kauri public", true)]
    [InlineData("case kauri", true)]
    [InlineData("", true)]
    [InlineData("frobnicate everything", true)] // refused: changes nothing
    [InlineData("paid INV-0102 100", false)]
    [InlineData("Dispute INV-0101 late", false)]
    [InlineData("digest", false)] // posts a digest
    [InlineData("morale off", false)]
    [InlineData("client Kauri owner <@U1>", false)]
    public void A_surface_can_tell_a_command_that_only_reads_from_one_that_changes_something(string text, bool onlyReads) =>
        Assert.Equal(onlyReads, ChaseBot.Core.Commands.ChaseCommands.OnlyReads(text));
}
