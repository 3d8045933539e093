using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Morale;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Chasing;

[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class MoraleAndDigestTests
{
    [Fact]
    public async Task The_weekly_check_in_goes_privately_to_owners_with_overdue_invoices_at_most_once_a_week()
    {
        using var h = new ChaseHarness();
        await h.InvoiceAsync(await h.ClientAsync("A", c => c.OwnerUserId = "U1"), "A-1", 10);
        await h.InvoiceAsync(await h.ClientAsync("B", c => c.OwnerUserId = "U2"), "B-1", -30); // not overdue this month

        Assert.Equal(1, await h.Morale.AskAsync(includeWeekly: true));
        h.Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(0, await h.Morale.AskAsync(includeWeekly: true));
        h.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await h.Morale.AskAsync(includeWeekly: true));

        await h.Drainer.DrainAsync();
        Assert.All(h.Platform.Sent, s => Assert.Equal((Audience.Direct, "U1", "morale"), (s.Message.Audience, s.Message.Target, s.Message.Kind)));
        Assert.Equal(["Steady", "Stretched", "Rough, honestly"], h.Platform.Sent[0].Content.Actions.Select(a => a.Label));
    }

    [Fact]
    public async Task Someone_who_said_morale_off_is_not_asked()
    {
        using var h = new ChaseHarness();
        await h.InvoiceAsync(await h.ClientAsync("A", c => c.OwnerUserId = "U1"), "A-1", 10);
        await h.Morale.SetOptOutAsync("U1", optOut: true);

        Assert.Equal(0, await h.Morale.AskAsync(includeWeekly: true));
        await h.Morale.SetOptOutAsync("U1", optOut: false);
        Assert.Equal(1, await h.Morale.AskAsync(includeWeekly: true));
    }

    [Fact]
    public async Task A_dispute_or_a_suspension_proposal_prompts_a_check_in_between_weekly_ones()
    {
        using var h = new ChaseHarness();
        var invoice = await h.InvoiceAsync(await h.ClientAsync("A", c => c.OwnerUserId = "U1"), "A-1", 10);
        Assert.Equal(0, await h.Morale.AskAsync(includeWeekly: false));
        await h.QueryAsync(async db =>
        {
            db.Disputes.Add(new Dispute { InvoiceId = invoice.Id, Reason = "quality", OpenedBy = "U1", OpenedAt = h.Clock.GetUtcNow().UtcDateTime });
            return await db.SaveChangesAsync();
        });

        Assert.Equal(1, await h.Morale.AskAsync(includeWeekly: false));
        await h.Drainer.DrainAsync();
        Assert.Contains("disputed", Assert.Single(h.Platform.Sent).Content.Lines[0]);
    }

    [Fact]
    public async Task A_rough_answer_gets_perspective_and_one_concrete_step_and_stays_private()
    {
        using var h = new ChaseHarness();
        await h.InvoiceAsync(await h.ClientAsync("A", c => c.OwnerUserId = "U1"), "A-1", 10);
        await h.Morale.AskAsync(includeWeekly: true);
        var check = await h.QueryAsync(db => db.MoraleChecks.SingleAsync());

        Assert.Equal("That check-in isn't yours to answer.", await h.Morale.AnswerAsync(check.Id, "U2", MoraleReplies.Rough));
        var reply = await h.Morale.AnswerAsync(check.Id, "U1", MoraleReplies.Rough);

        Assert.Contains("client's cash flow or disorganisation", reply);
        Assert.Contains("excuse", reply);
        Assert.Contains("not yours alone", reply);
        Assert.Contains("One concrete step", reply);
        Assert.Equal(MoraleReplies.Rough, (await h.QueryAsync(db => db.MoraleChecks.SingleAsync())).Answer);
        Assert.Equal("You already answered this one. Thank you.", await h.Morale.AnswerAsync(check.Id, "U1", MoraleReplies.Steady));

        await h.Drainer.DrainAsync();
        Assert.All(h.Platform.Sent, s => Assert.Equal(Audience.Direct, s.Message.Audience));
        await h.Digest.PostOnDemandAsync();
        await h.Drainer.DrainAsync();
        var digest = h.Platform.Sent.Single(s => s.Message.Kind == "digest").Content;
        Assert.DoesNotContain("rough", string.Join(" ", digest.Lines), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_chased_invoice_written_off_prompts_a_check_in_that_opens_with_it_and_a_reflection_follows_the_answer()
    {
        using var h = new ChaseHarness();
        var invoice = await h.InvoiceAsync(await h.ClientAsync("A", c => c.OwnerUserId = "U1"), "W-1", 8);
        await h.Runner.RunAsync(); // chased
        await h.QueryAsync(db => db.Invoices.Where(i => i.Id == invoice.Id).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.Status, InvoiceStatus.Void).SetProperty(i => i.UpdatedAt, h.Clock.GetUtcNow().UtcDateTime)));

        Assert.Equal(1, await h.Morale.AskAsync(includeWeekly: false));
        var check = await h.QueryAsync(db => db.MoraleChecks.SingleAsync());
        Assert.Equal(MoraleTriggers.WriteOff, check.Trigger);
        Assert.Contains("early signs", await h.Morale.AnswerAsync(check.Id, "U1", MoraleReplies.Stretched));
    }

    [Fact]
    public async Task A_hand_off_proposal_prompts_a_check_in()
    {
        using var h = new ChaseHarness();
        var invoice = await h.InvoiceAsync(await h.ClientAsync("A", c => c.OwnerUserId = "U1"), "H-1", 70);
        await h.QueryAsync(async db =>
        {
            db.Proposals.Add(new Proposal { InvoiceId = invoice.Id, Step = ChaseLadder.HandOff, Status = ProposalStatus.Pending,
                ProposedOn = h.Today, ProposedAt = h.Clock.GetUtcNow().UtcDateTime });
            return await db.SaveChangesAsync();
        });

        Assert.Equal(1, await h.Morale.AskAsync(includeWeekly: false));
        Assert.Equal(MoraleTriggers.HandOff, await h.QueryAsync(db => db.MoraleChecks.Select(c => c.Trigger).SingleAsync()));
    }

    [Fact]
    public void Someone_working_alone_is_never_sent_to_a_manager_and_gets_a_step_a_sole_trader_can_take()
    {
        foreach (var answer in MoraleReplies.Answers)
            Assert.DoesNotContain("manager", MoraleReplies.For(answer, MoraleTriggers.Weekly, workingAlone: true));
        Assert.Contains("block half an hour tomorrow morning", MoraleReplies.For(MoraleReplies.Rough, MoraleTriggers.Weekly, workingAlone: true));
        Assert.Contains("your manager", MoraleReplies.For(MoraleReplies.Rough, MoraleTriggers.Weekly)); // in a team, it is theirs too
    }

    [Fact]
    public void The_look_back_after_a_lost_engagement_does_not_blame_and_says_what_to_do_next_time()
    {
        var reflection = MoraleReplies.For(MoraleReplies.Rough, MoraleTriggers.HandOff, workingAlone: true);

        Assert.Contains("Mistakes happen on every project", reflection);
        Assert.Contains("whether yours were the client's reason for not paying or only their excuse", reflection);
        Assert.Contains("Trust that instinct next time", reflection);
        Assert.Contains("screen new clients", reflection);
    }

    [Fact]
    public void After_a_write_off_the_reply_adds_a_short_reflection() =>
        Assert.Contains("milestone payments or a deposit", MoraleReplies.For(MoraleReplies.Steady, MoraleTriggers.WriteOff));

    [Fact]
    public async Task The_digest_shows_totals_aging_changes_waiting_proposals_the_week_ahead_and_slow_payers()
    {
        using var h = new ChaseHarness();
        var kauri = await h.ClientAsync("Kauri Digital Ltd");
        await h.InvoiceAsync(kauri, "K-1", 40, 4600m);
        await h.InvoiceAsync(kauri, "K-2", 5, 2300m);
        await h.InvoiceAsync(await h.ClientAsync("Tui Print"), "T-3", -2, 100m); // its first reminder is due in 5 days
        var slow = await h.InvoiceAsync(await h.ClientAsync("Slow Payer Co"), "S-1", 60, 500m,
            i => (i.Status, i.AmountPaid, i.AmountDue) = (InvoiceStatus.Paid, 500m, 0m));
        await h.QueryAsync(async db =>
        {
            db.Payments.Add(new Payment { InvoiceId = slow.Id, Amount = 500m, Currency = "USD", PaidOn = h.Today.AddDays(-10),
                RecordedBy = "import", RecordedAt = h.Clock.GetUtcNow().UtcDateTime.AddDays(-1) });
            return await db.SaveChangesAsync();
        });
        await h.Runner.RunAsync();

        Assert.True(await h.Digest.PostScheduledAsync());
        Assert.False(await h.Digest.PostScheduledAsync()); // once a day
        await h.Drainer.DrainAsync();

        var (message, digest) = h.Platform.Sent.Single(s => s.Message.Kind == "digest");
        Assert.Equal("#accounts-receivable", message.Target);
        var text = string.Join("\n", digest.Lines);
        // Laid out for a phone (issue 30): no fixed-width table, a few short lines per currency.
        Assert.Empty(digest.Table);
        Assert.Contains("USD: 7,000.00 owed, 6,900.00 overdue (99%)", digest.Lines);
        Assert.Contains("  Not yet due 100.00 · 1-30 days 2,300.00 · 31-60 4,600.00 · 61-90 0.00 · over 90 0.00", digest.Lines);
        Assert.Contains("Paid: USD 500.00 (1)", text);
        Assert.Contains("formal late notice for Kauri Digital Ltd (2 invoices), waiting since today", text);
        Assert.Contains("first reminder for T-3 (Tui Print)", text);
        Assert.Contains("Slow Payer Co: 50 days late on average", text);
    }
}
