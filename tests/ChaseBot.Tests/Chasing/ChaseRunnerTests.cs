using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Chasing;

/// <summary>The chase on real SQLite with a fake clock: what users see, and what they must never see twice.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class ChaseRunnerTests
{
    [Fact]
    public async Task Days_past_due_are_calendar_days_in_the_configured_zone_not_UTC()
    {
        // 2026-10-03 23:00 in Auckland is 10:00 UTC; at 12:00 UTC it is already the 4th there.
        using var h = new ChaseHarness("2026-10-03T10:00:00Z", "Pacific/Auckland");
        var client = await h.ClientAsync("Kauri Digital Ltd");
        var invoice = await h.InvoiceAsync(client, "INV-1", 0, configure: i => i.DueDate = new DateOnly(2026, 10, 1));

        Assert.Equal(0, (await h.Runner.RunAsync()).Reminders); // 2 days late in Auckland
        h.Clock.SetUtcNow(DateTimeOffset.Parse("2026-10-03T12:00:00Z"));
        Assert.Equal(1, (await h.Runner.RunAsync()).Reminders); // 3 days late in Auckland
        Assert.Equal(ChaseLadder.Reminder1, Assert.Single(await h.StepsAsync(invoice.Id)).Step);
    }

    [Fact]
    public async Task Running_hourly_across_a_daylight_saving_change_fires_each_step_exactly_once()
    {
        // London leaves summer time at 02:00 on Sunday 25 October 2026: that day has 25 hours.
        using var h = new ChaseHarness("2026-10-23T00:00:00Z", "Europe/London");
        var client = await h.ClientAsync("Tui Print & Design");
        var invoice = await h.InvoiceAsync(client, "INV-7", 0, configure: i => i.DueDate = new DateOnly(2026, 10, 21));

        for (var hour = 0; hour < 24 * 8; hour++)
        {
            await h.Runner.RunAsync();
            h.Clock.Advance(TimeSpan.FromHours(1));
        }

        var steps = await h.StepsAsync(invoice.Id);
        Assert.Equal([(ChaseLadder.Reminder1, new DateOnly(2026, 10, 24)), (ChaseLadder.Reminder2, new DateOnly(2026, 10, 28))],
            steps.Select(s => (s.Step, s.Day)));
        Assert.Equal(2, (await h.OutboxAsync()).Count(m => m.Kind == "reminder"));
    }

    [Fact]
    public async Task An_invoice_first_seen_67_days_late_gets_one_proposal_and_nothing_for_the_reminders_it_missed()
    {
        using var h = new ChaseHarness();
        var invoice = await h.InvoiceAsync(await h.ClientAsync("Helios Solar Co"), "A-4", 67);

        var summary = await h.ChaseAndDeliverAsync();

        Assert.Equal((0, 1, 0), (summary.Reminders, summary.Proposals, summary.Skipped));
        var steps = await h.StepsAsync(invoice.Id);
        Assert.Equal([(ChaseLadder.LateNotice, StepOutcome.Proposed)], steps.Select(s => (s.Step, s.Outcome)));
        var (message, content) = Assert.Single(h.Platform.Sent);
        Assert.Equal("proposal", message.Kind);
        Assert.Equal("Proposal: formal late notice for Helios Solar Co (USD 1,000.00 overdue on invoice A-4)", content.Title);
        Assert.Contains("Formal notice of late payment", content.Artifact);
    }

    [Fact]
    public async Task A_clients_overdue_invoices_go_out_as_one_message_with_one_email_draft()
    {
        using var h = new ChaseHarness();
        var client = await h.ClientAsync("Berlin Bikes GmbH", c => c.CcAddresses = "finance@berlinbikes.example");
        await h.InvoiceAsync(client, "B-1", 10, 1200m);
        await h.InvoiceAsync(client, "B-2", 3, 450m);
        await h.InvoiceAsync(await h.ClientAsync("Other Co"), "O-1", 3);

        await h.ChaseAndDeliverAsync();

        var reminders = h.Platform.Sent.Where(s => s.Message.Kind == "reminder").ToList();
        Assert.Equal(2, reminders.Count);
        var berlin = reminders.Single(r => r.Content.Title.StartsWith("Berlin Bikes GmbH", StringComparison.Ordinal)).Content;
        Assert.Contains("2 invoices overdue (USD 1,650.00)", berlin.Title);
        Assert.Contains(berlin.Lines, l => l.StartsWith("B-1", StringComparison.Ordinal) && l.Contains("second reminder"));
        Assert.Contains(berlin.Lines, l => l.StartsWith("B-2", StringComparison.Ordinal) && l.Contains("first reminder"));
        Assert.Equal("ap@berlin.example", berlin.Email!.To);
        Assert.Null(berlin.Email.Cc); // CC is for the third reminder
        Assert.Contains("B-1", berlin.Email.Body);
        Assert.Contains("B-2", berlin.Email.Body);
    }

    [Fact]
    public async Task The_third_reminder_copies_the_clients_accounts_address_and_is_more_direct()
    {
        using var h = new ChaseHarness();
        var client = await h.ClientAsync("Kauri Digital Ltd", c => c.CcAddresses = "accounts@kauri.example");
        var invoice = await h.InvoiceAsync(client, "K-1", 14);
        await h.QueryAsync(async db =>
        {
            db.ChaseSteps.AddRange(
                new ChaseStepRecord { InvoiceId = invoice.Id, Step = ChaseLadder.Reminder1, Outcome = StepOutcome.Sent, Day = h.Today.AddDays(-11) },
                new ChaseStepRecord { InvoiceId = invoice.Id, Step = ChaseLadder.Reminder2, Outcome = StepOutcome.Sent, Day = h.Today.AddDays(-7) });
            // Both reached the client (emailed, or sent by hand and marked): only then may a text speak of them.
            db.ClientContacts.AddRange(
                new ClientContact { ClientId = client.Id, Step = ChaseLadder.Reminder1, Way = ContactWay.Emailed, DraftKey = "r1", At = h.Clock.GetUtcNow().UtcDateTime.AddDays(-11) },
                new ClientContact { ClientId = client.Id, Step = ChaseLadder.Reminder2, Way = ContactWay.MarkedSent, DraftKey = "r2", At = h.Clock.GetUtcNow().UtcDateTime.AddDays(-7) });
            return await db.SaveChangesAsync();
        });

        await h.ChaseAndDeliverAsync();

        var email = Assert.Single(h.Platform.Sent).Content.Email!;
        Assert.Equal("accounts@kauri.example", email.Cc);
        Assert.Contains("Despite our earlier reminders", email.Body);
        Assert.StartsWith("Overdue:", email.Subject);
    }

    [Fact]
    public async Task A_first_email_that_catches_up_never_claims_earlier_reminders_were_sent()
    {
        using var h = new ChaseHarness();
        await h.InvoiceAsync(await h.ClientAsync("Pine & Co Joinery"), "P-1", 19);

        await h.ChaseAndDeliverAsync();

        var email = Assert.Single(h.Platform.Sent).Content.Email!;
        Assert.DoesNotContain("earlier reminders", email.Body);
        Assert.DoesNotContain("copied", email.Body);
    }

    [Fact]
    public async Task Running_again_posts_nothing_twice()
    {
        using var h = new ChaseHarness();
        await h.InvoiceAsync(await h.ClientAsync("A"), "A-1", 8);
        await h.InvoiceAsync(await h.ClientAsync("B"), "B-1", 30);

        var first = await h.ChaseAndDeliverAsync();
        var second = await h.ChaseAndDeliverAsync();

        Assert.Equal(2, first.Messages);
        Assert.Equal(0, second.Messages);
        Assert.Equal(2, h.Platform.Sent.Count);
    }

    [Fact]
    public async Task Two_runs_racing_post_each_step_once_because_the_database_says_so()
    {
        using var h = new ChaseHarness();
        for (var i = 0; i < 30; i++)
            await h.InvoiceAsync(await h.ClientAsync($"Client {i}"), $"R-{i}", 3 + i);
        var other = new ChaseRunner(h.Db.Factory, h.Settings, h.Clock);

        var results = await Task.WhenAll(Task.Run(() => h.Runner.RunAsync()), Task.Run(() => other.RunAsync()));

        var outbox = await h.OutboxAsync();
        Assert.Equal(30, outbox.Count);
        Assert.Equal(30, results.Sum(r => r.Messages));
        var steps = await h.QueryAsync(async db => await db.ChaseSteps.Where(s => s.Outcome != StepOutcome.Skipped).CountAsync() +
                                                   await db.CaseSteps.Where(s => s.Outcome != StepOutcome.Skipped).CountAsync());
        Assert.Equal(30, steps);
        Assert.Equal(12, await h.QueryAsync(db => db.Cases.CountAsync())); // 21 to 32 days late: one case each, opened once
    }

    [Fact]
    public async Task A_crash_between_deciding_and_sending_loses_nothing_and_sends_once_after_restart()
    {
        using var h = new ChaseHarness();
        await h.InvoiceAsync(await h.ClientAsync("Kauri"), "K-1", 3);
        await h.Runner.RunAsync(); // decided and committed; the process dies before the outbox job runs

        var restarted = new OutboxDrainer(h.Db.Factory, h.Platform, h.Clock);
        await h.Runner.RunAsync(); // the chase runs again after the restart: nothing new
        var first = await restarted.DrainAsync();
        var again = await restarted.DrainAsync();

        Assert.Equal((1, 0), (first.Delivered, again.Delivered));
        Assert.Single(h.Platform.Sent);
    }

    [Fact]
    public async Task Messages_decided_on_a_weekend_wait_for_monday_morning_in_the_clients_zone()
    {
        using var h = new ChaseHarness("2026-11-21T14:00:00Z", "America/New_York"); // Saturday
        await h.InvoiceAsync(await h.ClientAsync("Blue Ridge"), "Q-1", 7);

        await h.ChaseAndDeliverAsync();
        Assert.Empty(h.Platform.Sent);
        var held = Assert.Single(await h.OutboxAsync());
        Assert.Equal(DateTime.Parse("2026-11-23T14:00:00Z").ToUniversalTime(), held.NotBefore); // Monday 09:00 EST

        h.Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-23T13:59:00Z"));
        await h.Drainer.DrainAsync();
        Assert.Empty(h.Platform.Sent);
        h.Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-23T14:00:00Z"));
        await h.Drainer.DrainAsync();
        Assert.Single(h.Platform.Sent);
    }

    [Fact]
    public async Task Evening_decisions_wait_for_the_morning()
    {
        using var h = new ChaseHarness("2026-11-24T19:30:00Z"); // Tuesday, after 18:00
        await h.InvoiceAsync(await h.ClientAsync("A"), "A-1", 3);

        await h.Runner.RunAsync();

        Assert.Equal(DateTime.Parse("2026-11-25T09:00:00Z").ToUniversalTime(), Assert.Single(await h.OutboxAsync()).NotBefore);
    }

    [Fact]
    public async Task A_disputed_invoice_is_held_and_nothing_is_recorded_until_the_dispute_is_resolved()
    {
        using var h = new ChaseHarness();
        var invoice = await h.InvoiceAsync(await h.ClientAsync("A"), "D-1", 8);
        await h.QueryAsync(async db =>
        {
            db.Disputes.Add(new Dispute { InvoiceId = invoice.Id, Reason = "scope", OpenedBy = "bob", OpenedAt = h.Clock.GetUtcNow().UtcDateTime });
            return await db.SaveChangesAsync();
        });

        var held = await h.ChaseAndDeliverAsync();
        Assert.Equal((1, 0), (held.Held, held.Messages));
        Assert.Empty(await h.StepsAsync(invoice.Id));

        var resolvedAt = h.Clock.GetUtcNow().UtcDateTime;
        await h.QueryAsync(db => db.Disputes.ExecuteUpdateAsync(s => s.SetProperty(d => d.ResolvedAt, resolvedAt)));
        Assert.Equal(0, (await h.ChaseAndDeliverAsync()).Reminders); // Chase:ResumeAfterDisputeDays (7) first
        h.Clock.Advance(TimeSpan.FromDays(h.Settings.ResumeAfterDisputeDays));
        Assert.Equal(1, (await h.ChaseAndDeliverAsync()).Reminders);
    }

    [Fact]
    public async Task A_broken_promise_resumes_the_chase_at_once_says_so_and_is_recorded_as_broken()
    {
        using var h = new ChaseHarness();
        var invoice = await h.InvoiceAsync(await h.ClientAsync("A"), "P-1", 5);
        await h.QueryAsync(async db =>
        {
            db.ChaseSteps.Add(new ChaseStepRecord { InvoiceId = invoice.Id, Step = ChaseLadder.Reminder1, Outcome = StepOutcome.Sent, Day = h.Today.AddDays(-2) });
            db.PaymentPromises.Add(new PaymentPromise { InvoiceId = invoice.Id, PromisedFor = h.Today.AddDays(-1), RecordedBy = "bob" });
            return await db.SaveChangesAsync();
        });

        await h.ChaseAndDeliverAsync();

        var content = Assert.Single(h.Platform.Sent).Content;
        Assert.Contains(content.Lines, l => l.Contains("second reminder") && l.Contains("was broken"));
        Assert.False(await h.QueryAsync(db => db.PaymentPromises.Select(p => p.Kept).SingleAsync()));
        Assert.True(await h.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "promise.broken")));
    }

    [Fact]
    public async Task A_client_gets_one_case_per_currency_covering_every_overdue_invoice_with_the_total()
    {
        using var h = new ChaseHarness();
        var client = await h.ClientAsync("Blue Ridge Outfitters");
        await h.InvoiceAsync(client, "1004", 22, 12750m);
        await h.InvoiceAsync(client, "1001", 50, 4500m);
        await h.InvoiceAsync(client, "1007", -14, 236000m);
        await h.InvoiceAsync(client, "E-1", 30, 800m, i => i.Currency = "EUR");
        var planned = await h.Runner.PlanAsync();

        await h.ChaseAndDeliverAsync();

        var proposals = h.Platform.Sent.Where(s => s.Message.Kind == "proposal").Select(s => s.Content).ToList();
        Assert.Equal(2, proposals.Count); // USD and EUR: amounts in different currencies are never added
        var usd = Assert.Single(proposals, p => p.Title.Contains("USD", StringComparison.Ordinal));
        Assert.Equal("Proposal: formal late notice for Blue Ridge Outfitters (USD 17,250.00 overdue on 2 invoices)", usd.Title);
        Assert.Contains("• 1001: USD 4,500.00, due", usd.Artifact);
        Assert.Contains("• 1004: USD 12,750.00, due", usd.Artifact);
        Assert.Contains("Total overdue: USD 17,250.00", usd.Artifact);
        Assert.Contains("Also coming due (not overdue yet, not part of the total):\n  • 1007", usd.Artifact);
        var covers = await h.QueryAsync(db => db.Proposals.Where(p => p.Invoice.Currency == "USD")
            .SelectMany(p => p.Covers.Select(c => c.Invoice.Number)).OrderBy(n => n).ToListAsync());
        Assert.Equal(["1001", "1004"], covers);
        var rung = Assert.Single(planned, e => e.Step == ChaseLadder.LateNotice && e.Invoices.Contains("1004"));
        Assert.Equal("1001", rung.Invoice);
        Assert.Equal(["1001", "1004"], rung.Invoices);
        Assert.Empty(await h.Runner.PlanAsync()); // the case's one proposal waits; nothing else is asked of the client
    }

    [Fact]
    public async Task A_step_the_contract_does_not_permit_posts_a_note_saying_how_to_record_the_clause()
    {
        using var h = new ChaseHarness();
        var invoice = await h.InvoiceAsync(await h.ClientAsync("Kauri Digital Ltd"), "G-1", 31);
        await h.QueryAsync(async db =>
        {
            foreach (var step in new[] { ChaseLadder.Reminder1, ChaseLadder.Reminder2, ChaseLadder.Reminder3 })
                db.ChaseSteps.Add(new ChaseStepRecord { InvoiceId = invoice.Id, Step = step, Outcome = StepOutcome.Sent, Day = h.Today.AddDays(-20) });
            var collection = new CollectionCase { ClientId = invoice.ClientId, Currency = "USD", OpenedOn = h.Today.AddDays(-10) };
            db.Cases.Add(collection);
            await db.SaveChangesAsync();
            db.CaseSteps.Add(new CaseStepRecord { CaseId = collection.Id, Step = ChaseLadder.LateNotice, Outcome = StepOutcome.Proposed, Day = h.Today.AddDays(-10) });
            db.Proposals.Add(new Proposal { InvoiceId = invoice.Id, CaseId = collection.Id, Step = ChaseLadder.LateNotice, Status = ProposalStatus.Approved,
                ProposedOn = h.Today.AddDays(-10), DecidedOn = h.Today.AddDays(-10), DecidedBy = "alice" });
            return await db.SaveChangesAsync();
        });

        await h.ChaseAndDeliverAsync();

        var (message, content) = Assert.Single(h.Platform.Sent);
        Assert.Equal("guard-note", message.Kind);
        Assert.Contains("does not permit service changes", string.Join(" ", content.Lines));
        Assert.Contains("/chase client \"Kauri Digital Ltd\" allow service-changes", string.Join(" ", content.Lines));
        Assert.Contains(await h.StepsAsync(invoice.Id), s => s.Step == ChaseLadder.ServiceReduction && s.Outcome == StepOutcome.Skipped);
    }

    [Fact]
    public async Task A_partly_paid_invoice_is_chased_for_its_balance()
    {
        using var h = new ChaseHarness();
        await h.InvoiceAsync(await h.ClientAsync("Tui"), "T-1", 3, 1150m, i => (i.AmountPaid, i.AmountDue, i.Status) = (500m, 650m, InvoiceStatus.PartiallyPaid));

        await h.ChaseAndDeliverAsync();

        Assert.Contains("USD 650.00", Assert.Single(h.Platform.Sent).Content.Title);
    }

    [Fact]
    public async Task When_a_chased_invoice_is_paid_the_chase_stops_and_the_owner_gets_a_private_well_done()
    {
        using var h = new ChaseHarness();
        var client = await h.ClientAsync("Oakleaf Bakery", c => c.OwnerUserId = "U123");
        var invoice = await h.InvoiceAsync(client, "O-1", 30);
        await h.ChaseAndDeliverAsync(); // a late-notice proposal is now waiting

        await h.QueryAsync(db => db.Invoices.Where(i => i.Id == invoice.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, InvoiceStatus.Paid).SetProperty(i => i.AmountDue, 0m)));
        var summary = await h.ChaseAndDeliverAsync();
        await h.ChaseAndDeliverAsync();

        Assert.Equal(1, summary.Thanks);
        var thanks = h.Platform.Sent.Single(s => s.Message.Kind == "thanks");
        Assert.Equal((Audience.Direct, "U123"), (thanks.Message.Audience, thanks.Message.Target));
        Assert.DoesNotContain("1,000", string.Join(" ", thanks.Content.Lines) + thanks.Content.Title);
        Assert.Equal(ProposalStatus.Withdrawn, await h.QueryAsync(db => db.Proposals.Select(p => p.Status).SingleAsync()));
        Assert.NotNull(await h.QueryAsync(db => db.Cases.Select(c => c.ClosedOn).SingleAsync()));
        var receipt = h.Platform.Sent.Single(s => s.Message.Kind == "receipt").Content;
        Assert.Contains("Subject: Thank you — invoice O-1 paid in full", receipt.Artifact);
        Assert.Contains("• O-1: USD 1,000.00, paid", receipt.Artifact);
    }

    [Fact]
    public async Task An_export_that_shows_the_invoice_paid_stops_the_chase_and_records_the_payment()
    {
        using var h = new ChaseHarness(configure: o => o.DefaultOwner = "U0OWNER");
        const string header = Exports.ExportQuirkTests.XeroHeader;
        var importer = h.Db.Importer(h.Clock);
        await importer.ImportFileAsync(h.Db.WriteFile("1.csv", header + "\nKauri,,INV-5,01/10/2026,13/11/2026,800.00,0.00,800.00,NZD,Sales invoice,Awaiting Payment\n"), new());
        Assert.Equal(1, (await h.ChaseAndDeliverAsync()).Reminders); // 10 days late: second reminder

        h.Clock.Advance(TimeSpan.FromDays(1));
        await importer.ImportFileAsync(h.Db.WriteFile("2.csv", header + "\nKauri,,INV-5,01/10/2026,13/11/2026,800.00,800.00,0.00,NZD,Sales invoice,Paid\n"), new());
        var after = await h.ChaseAndDeliverAsync();

        Assert.Equal((1, 0), (after.Thanks, after.Reminders));
        Assert.Equal(["receipt", "thanks"], h.Platform.Sent.TakeLast(2).Select(s => s.Message.Kind).Order());
        Assert.Equal(800m, await h.QueryAsync(db => db.Payments.Select(p => p.Amount).SingleAsync()));
    }

    [Fact]
    public async Task Without_an_owner_nobody_is_messaged_privately_or_mentioned_and_the_client_still_gets_its_receipt()
    {
        using var h = new ChaseHarness(); // Chase:DefaultOwner left as the placeholder
        var invoice = await h.InvoiceAsync(await h.ClientAsync("Kauri Digital Ltd"), "K-1", 3);
        await h.ChaseAndDeliverAsync();
        await h.QueryAsync(db => db.Invoices.Where(i => i.Id == invoice.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, InvoiceStatus.Paid).SetProperty(i => i.AmountDue, 0m)));

        await h.ChaseAndDeliverAsync();
        var asked = await h.Morale.AskAsync(includeWeekly: true);

        Assert.Equal(0, asked);
        Assert.DoesNotContain(h.Platform.Sent, s => s.Message.Audience == Audience.Direct);
        Assert.All(h.Platform.Sent, s => Assert.Empty(s.Content.Mentions));
        Assert.Equal(["reminder", "receipt"], h.Platform.Sent.Select(s => s.Message.Kind));
    }

    [Theory]
    [InlineData(InvoiceStatus.Paid, true)]
    [InlineData(InvoiceStatus.Void, false)] // written off: "thank you for your payment" would be untrue
    public async Task A_suspended_client_is_offered_restored_access_only_when_it_paid(InvoiceStatus settled, bool restore)
    {
        using var h = new ChaseHarness(configure: o => o.DefaultOwner = "U0OWNER");
        var invoice = await h.InvoiceAsync(await h.ClientAsync("Helios Solar Co", c => c.Clauses.OwnedUntilPaid = true), "A-4", 70, 950m);
        await h.QueryAsync(async db =>
        {
            var collection = new CollectionCase { ClientId = invoice.ClientId, Currency = "USD", OpenedOn = h.Today.AddDays(-40) };
            db.Cases.Add(collection);
            await db.SaveChangesAsync();
            db.Proposals.Add(new Proposal
            {
                InvoiceId = invoice.Id, CaseId = collection.Id, Step = ChaseLadder.Suspension, Status = ProposalStatus.Approved,
                ProposedOn = h.Today.AddDays(-5), DecidedOn = h.Today.AddDays(-4), DecidedBy = "alice",
                Covers = [new ProposalInvoice { InvoiceId = invoice.Id }],
            });
            await db.Invoices.Where(i => i.Id == invoice.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, settled).SetProperty(i => i.AmountDue, 0m));
            return await db.SaveChangesAsync();
        });

        await h.ChaseAndDeliverAsync();

        Assert.NotNull(await h.QueryAsync(db => db.Cases.Select(c => c.ClosedOn).SingleAsync()));
        Assert.Equal(restore, await h.QueryAsync(db => db.Proposals.AnyAsync(p => p.Step == ChaseLadder.RestoreAccess)));
    }

    [Fact]
    public async Task Paid_void_and_draft_invoices_that_were_never_chased_get_nothing()
    {
        using var h = new ChaseHarness();
        var client = await h.ClientAsync("A");
        await h.InvoiceAsync(client, "X-1", 30, configure: i => i.Status = InvoiceStatus.Paid);
        await h.InvoiceAsync(client, "X-2", 30, configure: i => i.Status = InvoiceStatus.Void);
        await h.InvoiceAsync(client, "X-3", 30, configure: i => i.Status = InvoiceStatus.Draft);

        Assert.Equal(0, (await h.ChaseAndDeliverAsync()).Messages);
        Assert.Empty(await h.OutboxAsync());
    }
}
