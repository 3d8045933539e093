using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Delivery;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Chasing;

/// <summary>
/// A formal late notice is never a client's first word from us unless an approver chooses it: its card offers "Remind
/// first", which sends the reminder text now and brings the notice back only once the reminder's date and the grace
/// days have passed.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class RemindFirstTests : IDisposable
{
    private readonly ChaseHarness _h = new(); // Monday 23 Nov 2026, 10:00 UTC; Chase:GraceDays 2

    public void Dispose() => _h.Dispose();

    /// <summary>A client already 30 days late at the first run: nothing has ever reached them, and the notice is proposed.</summary>
    private async Task<(long Id, ChatMessage Card)> FirstRunAsync()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Oakleaf Bakery"), "0031", 30, 1350m);
        await _h.ChaseAndDeliverAsync();
        var card = Assert.Single(_h.Platform.Sent, s => s.Message.Kind == OutboxKinds.Proposal).Content;
        return (long.Parse(card.Actions[0].Value, System.Globalization.CultureInfo.InvariantCulture), card);
    }

    [Fact]
    public async Task Remind_first_sends_the_reminder_now_and_the_notice_comes_back_after_its_date_and_the_grace_days()
    {
        var (id, card) = await FirstRunAsync();
        Assert.StartsWith("Proposal: formal late notice for Oakleaf Bakery", card.Title);
        Assert.Equal([ProposalActions.Approve, ProposalActions.RemindFirst, ProposalActions.Snooze, ProposalActions.Reject], card.Actions.Select(a => a.Id));

        var decided = await _h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.RemindFirst);
        await _h.Drainer.DrainAsync();

        Assert.True(decided.Accepted, decided.Message);
        Assert.Equal("Reminder first: the reminder to Oakleaf Bakery is queued for the channel; the formal late notice comes back on 2 Dec 2026 if it is still unpaid.",
            decided.Message);
        var reminder = Assert.Single(_h.Platform.Sent, s => s.Message.Kind == OutboxKinds.Reminder).Content;
        Assert.Equal("Overdue: invoice 0031 (USD 1,350.00)", reminder.Email!.Subject);
        Assert.Contains("I'm writing because this invoice is now overdue:", reminder.Email.Body); // no "second reminder": none came before
        Assert.Contains("Please arrange payment by 30 November", reminder.Email.Body);
        Assert.DoesNotContain("formal", reminder.Email.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(reminder.Actions, a => a.Id == ClientContacts.MarkSentAction);
        var settled = _h.Platform.Sent.Last(s => s.Message.Kind == OutboxKinds.CardUpdate).Content;
        Assert.Empty(settled.Actions);
        Assert.Contains("alice chose to remind first on 23 Nov 2026: the reminder asks for payment by 30 Nov 2026, and this notice comes back on 2 Dec 2026 if it is still unpaid.",
            settled.Lines);
        Assert.Empty(await _h.QueryAsync(db => db.Outbox.Where(m => m.Kind == OutboxKinds.Artifact).ToListAsync())); // no notice went

        // The person sends the reminder; the notice does not come on its "pay by" day, nor the day after.
        await _h.Commands().MarkDraftSentAsync(reminder.Actions.Single(a => a.Id == ClientContacts.MarkSentAction).Value, new CommandContext("alice", "slack"));
        for (var day = 1; day <= 8; day++)
        {
            _h.Clock.Advance(TimeSpan.FromDays(1));
            Assert.Equal(0, (await _h.ChaseAndDeliverAsync()).Proposals);
        }
        _h.Clock.Advance(TimeSpan.FromDays(1)); // 2 Dec: 30 Nov and the grace days have passed
        Assert.Equal(1, (await _h.ChaseAndDeliverAsync()).Proposals);
        var back = _h.Platform.Sent.Last(s => s.Message.Kind == OutboxKinds.Proposal).Content;
        Assert.StartsWith("Back from snooze: formal late notice for Oakleaf Bakery", back.Title);
        Assert.Contains("Why now: a reminder went first on 23 Nov, and its date has passed; back for a decision.", back.Lines);
        Assert.DoesNotContain(back.Lines, l => l.StartsWith("Nothing from you has reached", StringComparison.Ordinal));
        Assert.DoesNotContain(back.Actions, a => a.Id == ProposalActions.RemindFirst); // they have heard from us now
        Assert.Contains("This follows our reminder of 23 November 2026.", back.Artifact);
    }

    [Fact]
    public async Task Remind_first_is_only_for_an_approver_and_only_for_a_formal_late_notice_still_waiting()
    {
        var (id, _) = await FirstRunAsync();

        var stranger = await _h.Decisions.DecideAsync(id, new Actor("slack", "mallory"), Verdict.RemindFirst);
        Assert.False(stranger.Accepted);
        Assert.Equal(ProposalStatus.Pending, await _h.QueryAsync(db => db.Proposals.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));

        Assert.True((await _h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve)).Accepted);
        var again = await _h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.RemindFirst);
        Assert.False(again.Accepted);
        Assert.Equal($"Proposal {id} was already approved.", again.Message);
        Assert.Empty(await _h.QueryAsync(db => db.Outbox.Where(m => m.Kind == OutboxKinds.Reminder).ToListAsync()));
    }

    [Fact]
    public async Task A_notice_to_a_client_who_has_heard_from_us_offers_no_remind_first()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Quill Stationers"), "Q-1", 14, 800m);
        await _h.ChaseAndDeliverAsync(); // the third reminder
        var reminder = Assert.Single(_h.Platform.Sent, s => s.Message.Kind == OutboxKinds.Reminder).Content;
        await _h.Commands().MarkDraftSentAsync(reminder.Actions.Single(a => a.Id == ClientContacts.MarkSentAction).Value, new CommandContext("alice", "slack"));

        _h.Clock.Advance(TimeSpan.FromDays(10));
        await _h.ChaseAndDeliverAsync();

        var card = Assert.Single(_h.Platform.Sent, s => s.Message.Kind == OutboxKinds.Proposal).Content;
        Assert.StartsWith("Proposal: formal late notice for Quill Stationers", card.Title);
        Assert.Equal([ProposalActions.Approve, ProposalActions.Snooze, ProposalActions.Reject], card.Actions.Select(a => a.Id));
    }
}
