using ChaseBot.Core.Commands;
using ChaseBot.Core.Chasing;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Chasing;

[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class ProposalDecisionTests
{
    private static async Task<(ChaseHarness H, long ProposalId, long InvoiceId)> WithLateNoticeProposal(Action<ChaseBot.Core.ChaseOptions>? configure = null)
    {
        var h = new ChaseHarness(configure: configure);
        var invoice = await h.InvoiceAsync(await h.ClientAsync("Kauri Digital Ltd", c => c.Clauses.PermitsServiceChanges = true), "K-9", 25, 4600m);
        await h.ChaseAndDeliverAsync();
        var proposal = await h.QueryAsync(db => db.Proposals.SingleAsync());
        return (h, proposal.Id, invoice.Id);
    }

    [Fact]
    public async Task Nobody_may_decide_until_approvers_are_configured()
    {
        var (h, id, _) = await WithLateNoticeProposal(o => o.Approvers = []);
        using var _ = h;

        var result = await h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve);

        Assert.False(result.Accepted);
        Assert.Contains("Chase:Approvers", result.Message);
        Assert.Equal(ProposalStatus.Pending, await h.QueryAsync(db => db.Proposals.Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task Someone_who_is_not_an_approver_is_refused_and_nothing_changes()
    {
        var (h, id, _) = await WithLateNoticeProposal();
        using var _ = h;

        var result = await h.Decisions.DecideAsync(id, new Actor("slack", "mallory"), Verdict.Approve);

        Assert.False(result.Accepted);
        Assert.Contains("not an approver", result.Message);
        Assert.Equal(ProposalStatus.Pending, await h.QueryAsync(db => db.Proposals.Select(p => p.Status).SingleAsync()));
        Assert.False(await h.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Actor == "slack:mallory")));
    }

    [Theory]
    [InlineData("paid K-9", "K-9 was paid in full on")]
    [InlineData("dispute K-9 the work was late", "K-9 is disputed (the work was late)")]
    [InlineData("promise K-9 in 5 days", "Kauri Digital Ltd promised to pay K-9 by")]
    [InlineData("snooze K-9 10", "K-9 is snoozed until")]
    [InlineData("client Kauri Digital Ltd pause", "chasing Kauri Digital Ltd is paused")]
    public async Task A_proposal_whose_invoice_was_settled_or_put_on_hold_is_withdrawn_at_once_and_cannot_be_approved(string logged, string why)
    {
        var (h, id, _) = await WithLateNoticeProposal();
        using var _ = h;

        var reply = await h.SayAsync(logged, "UAPPROVER");
        var approval = await h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve);
        await h.Drainer.DrainAsync();

        Assert.Contains($"Withdrawn: the formal late notice for Kauri Digital Ltd (proposal {id}), because {why}", reply);
        Assert.False(approval.Accepted);
        Assert.Equal(ProposalStatus.Withdrawn, approval.Status);
        Assert.Contains("was withdrawn, because " + why, approval.Message);
        Assert.DoesNotContain(h.Platform.Sent, s => s.Message.Kind == "artifact"); // no client text was released
        Assert.True(await h.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "proposal.withdrawn")));
    }

    [Fact]
    public async Task A_card_held_for_the_weekend_goes_out_as_a_record_without_buttons_once_its_proposal_is_decided_or_withdrawn()
    {
        using var h = new ChaseHarness(now: "2026-11-21T10:00:00Z"); // Saturday: cards wait for Monday 09:00
        var client = await h.ClientAsync("Kauri Digital Ltd");
        await h.InvoiceAsync(client, "K-1", 25, 4600m);
        await h.InvoiceAsync(await h.ClientAsync("Tui Print & Design"), "T-1", 25, 650m);
        await h.ChaseAndDeliverAsync();
        var proposals = await h.QueryAsync(db => db.Proposals.Include(p => p.Invoice).ToDictionaryAsync(p => p.Invoice.Number, p => p.Id));
        Assert.DoesNotContain(h.Platform.Sent, s => s.Message.Kind == "proposal"); // held

        await h.SayAsync("paid K-1", "UAPPROVER");
        await h.Decisions.DecideAsync(proposals["T-1"], new Actor("slack", "alice"), Verdict.Reject, "they are a good client");
        h.Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-23T09:30:00Z"));
        await h.Drainer.DrainAsync();

        var cards = h.Platform.Sent.Where(s => s.Message.Kind == "proposal").Select(s => s.Content).ToList();
        Assert.Equal(2, cards.Count);
        Assert.All(cards, card => Assert.Empty(card.Actions));
        Assert.All(cards, card => Assert.DoesNotContain(card.Lines, l => l.StartsWith("Nothing is sent or changed until an approver decides")));
        Assert.Contains(cards, c => c.Lines[^1].StartsWith("Withdrawn: the formal late notice for Kauri Digital Ltd") && c.Lines[^1].Contains("paid in full"));
        Assert.Contains(cards, c => c.Lines[^1] == "Rejected by alice on 21 Nov 2026: they are a good client");
    }

    [Fact]
    public async Task Approval_is_judged_on_the_ledger_at_the_click_even_when_the_change_came_from_an_export()
    {
        var (h, id, invoiceId) = await WithLateNoticeProposal();
        using var _ = h;
        await h.QueryAsync(async db =>
        {
            var invoice = await db.Invoices.SingleAsync(i => i.Id == invoiceId);
            (invoice.AmountPaid, invoice.AmountDue, invoice.Status) = (invoice.Total, 0, ChaseBot.Core.Ledger.InvoiceStatus.Paid);
            return await db.SaveChangesAsync(); // as a re-import that saw it paid would
        });

        var approval = await h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve);

        Assert.False(approval.Accepted);
        Assert.Equal("Withdrawn: the formal late notice for Kauri Digital Ltd (proposal " + id + "), because K-9 was paid in full. Nothing was sent.", approval.Message);
    }

    [Fact]
    public async Task A_proposal_withdrawn_during_a_dispute_comes_back_for_a_decision_once_the_dispute_is_resolved()
    {
        var (h, id, _) = await WithLateNoticeProposal();
        using var _ = h;
        await h.SayAsync("dispute K-9 wrong hours billed", "UAPPROVER");
        await h.ChaseAndDeliverAsync();
        Assert.Equal(ProposalStatus.Withdrawn, await h.QueryAsync(db => db.Proposals.Select(p => p.Status).SingleAsync()));

        await h.SayAsync("resolve K-9 agreed", "UAPPROVER");
        await h.ChaseAndDeliverAsync();
        Assert.Equal(ProposalStatus.Withdrawn, await h.QueryAsync(db => db.Proposals.Select(p => p.Status).SingleAsync())); // not the same day
        h.Clock.Advance(TimeSpan.FromDays(7)); // Chase:ResumeAfterDisputeDays
        await h.ChaseAndDeliverAsync();

        var proposal = await h.QueryAsync(db => db.Proposals.SingleAsync());
        Assert.Equal((id, ProposalStatus.Pending, 1), (proposal.Id, proposal.Status, proposal.Resurfaced));
        Assert.True((await h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve)).Accepted);
    }

    [Fact]
    public async Task Approving_records_who_and_when_and_posts_the_text_to_send()
    {
        var (h, id, _) = await WithLateNoticeProposal();
        using var _ = h;

        var result = await h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve);
        await h.Drainer.DrainAsync();

        Assert.True(result.Accepted);
        var proposal = await h.QueryAsync(db => db.Proposals.SingleAsync());
        Assert.Equal((ProposalStatus.Approved, "slack:alice", h.Today), (proposal.Status, proposal.DecidedBy, proposal.DecidedOn));
        var artifact = h.Platform.Sent.Single(s => s.Message.Kind == "artifact").Content;
        Assert.Contains("Approved by alice", artifact.Lines[0]);
        Assert.Contains("• K-9: USD 4,600.00", artifact.Artifact);
        Assert.True(await h.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Actor == "slack:alice" && a.Action == "proposal.approved")));
    }

    [Fact]
    public async Task Approving_after_a_part_payment_writes_the_text_with_the_amounts_of_that_day()
    {
        var (h, id, _) = await WithLateNoticeProposal();
        using var _ = h;
        var proposed = h.Platform.Sent.Single(s => s.Message.Kind == "proposal").Content.Artifact!;

        await h.SayAsync("paid K-9 1000", "UAPPROVER"); // part of it: the proposal still stands
        var result = await h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve);
        await h.Drainer.DrainAsync();

        Assert.True(result.Accepted);
        Assert.Contains("Total overdue: USD 4,600.00", proposed);
        var approved = h.Platform.Sent.Single(s => s.Message.Kind == "artifact").Content;
        Assert.Contains("• K-9: USD 3,600.00", approved.Artifact);
        Assert.Contains("Total overdue: USD 3,600.00", approved.Artifact);
        Assert.DoesNotContain("4,600.00", approved.Artifact);
        Assert.Equal("Approved: formal late notice for Kauri Digital Ltd (USD 3,600.00 overdue on invoice K-9)", approved.Title);
    }

    [Fact]
    public async Task A_decided_proposal_cannot_be_decided_again()
    {
        var (h, id, _) = await WithLateNoticeProposal(o => o.Approvers = ["alice", "bob"]);
        using var _ = h;
        await h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve);

        var second = await h.Decisions.DecideAsync(id, new Actor("slack", "bob"), Verdict.Reject);

        Assert.False(second.Accepted);
        Assert.Contains("already approved by alice", second.Message);
    }

    [Fact]
    public async Task Two_approvers_deciding_at_once_cannot_both_win()
    {
        var (h, id, _) = await WithLateNoticeProposal(o => o.Approvers = ["alice", "bob"]);
        using var _ = h;

        var results = await Task.WhenAll(
            Task.Run(() => h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve)),
            Task.Run(() => h.Decisions.DecideAsync(id, new Actor("slack", "bob"), Verdict.Reject)));

        Assert.Single(results, r => r.Accepted);
        var status = await h.QueryAsync(db => db.Proposals.Select(p => p.Status).SingleAsync());
        Assert.Equal(results.Single(r => r.Accepted).Status, status);
    }

    [Fact]
    public async Task A_snoozed_proposal_comes_back_for_a_decision_when_the_snooze_ends()
    {
        var (h, id, _) = await WithLateNoticeProposal();
        using var _ = h;
        await h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Snooze, snoozeDays: 3, onItsCard: true);
        h.Platform.Sent.Clear();

        h.Clock.Advance(TimeSpan.FromDays(2));
        await h.ChaseAndDeliverAsync();
        Assert.Empty(h.Platform.Sent);

        h.Clock.Advance(TimeSpan.FromDays(1)); // Thursday: the snooze has ended
        await h.ChaseAndDeliverAsync();
        var back = Assert.Single(h.Platform.Sent).Content;
        Assert.StartsWith("Back from snooze: formal late notice for Kauri Digital Ltd", back.Title);
        Assert.Equal((ProposalStatus.Pending, 1), await h.QueryAsync(async db => await db.Proposals.Select(p => new { p.Status, p.Resurfaced }).SingleAsync() is var x ? (x.Status, x.Resurfaced) : default));
    }

    [Fact]
    public async Task A_rejected_step_is_closed_and_the_next_rung_comes_after_the_minimum_gap()
    {
        var (h, id, invoiceId) = await WithLateNoticeProposal();
        using var _ = h;
        await h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Reject, reason: "client is a friend", onItsCard: true);
        h.Platform.Sent.Clear();

        h.Clock.Advance(TimeSpan.FromDays(6));
        await h.ChaseAndDeliverAsync();
        Assert.Empty(h.Platform.Sent);

        h.Clock.Advance(TimeSpan.FromDays(1));
        await h.ChaseAndDeliverAsync();
        Assert.Contains("reduce service", Assert.Single(h.Platform.Sent).Content.Title);
        Assert.Equal("client is a friend", await h.QueryAsync(db => db.Proposals.Where(p => p.InvoiceId == invoiceId && p.Step == ChaseLadder.LateNotice).Select(p => p.Reason).SingleAsync()));
    }
}
