using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Email;
using ChaseBot.Core.Teams;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChaseBot.Tests.Chasing;

/// <summary>
/// A client text speaks of earlier contact only when that contact reached the client: an email the mail server accepted,
/// or a draft a person marked as sent. Drafts nobody sent are not history.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class DeliveredHistoryTests : IAsyncLifetime
{
    private ChaseHarness _h = null!;
    private static readonly ChatOptions Collectors = new() { Collectors = ["UCOLLECTOR"], Viewers = ["UVIEWER"] };

    public Task InitializeAsync()
    {
        _h = new ChaseHarness(configure: o => o.DefaultOwner = "U0OWNER"); // Monday 23 Nov 2026
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _h.Dispose();
        return Task.CompletedTask;
    }

    private async Task<(string Title, ChatMessage Card)> ProposalAfterAsync(int days)
    {
        _h.Clock.Advance(TimeSpan.FromDays(days));
        await _h.ChaseAndDeliverAsync();
        var card = _h.Platform.Sent.Last(s => s.Message.Kind == OutboxKinds.Proposal).Content;
        return (card.Title, card);
    }

    private async Task<string> ApprovedTextAsync()
    {
        var id = await _h.QueryAsync(db => db.Proposals.Where(p => p.Status == ProposalStatus.Pending).Select(p => p.Id).SingleAsync());
        Assert.True((await _h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve)).Accepted);
        await _h.Drainer.DrainAsync();
        return _h.Platform.Sent.Last(s => s.Message.Kind == OutboxKinds.Artifact).Content.Artifact!;
    }

    [Fact]
    public async Task A_draft_nobody_sent_is_not_history_and_the_notice_card_says_it_would_be_the_first_message()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Oakleaf Bakery"), "0031", 10, 1350m);
        await _h.ChaseAndDeliverAsync();
        var reminder = Assert.Single(_h.Platform.Sent).Content;
        Assert.Contains(ChaseMessages.SendItYourself, reminder.Lines);
        Assert.Equal(ClientContacts.MarkSentAction, Assert.Single(reminder.Actions).Id);
        Assert.DoesNotContain(reminder.Lines, l => l.StartsWith("Here is an email", StringComparison.Ordinal)); // one instruction, not two

        var (_, card) = await ProposalAfterAsync(days: 11); // 21 days late: the formal late notice
        Assert.Contains("Nothing from you has reached Oakleaf Bakery yet (no reminder was emailed or marked as sent): this would be the first message they get." +
                        " Remind first sends them a reminder now instead, and brings this notice back once its date has passed.", card.Lines);
        Assert.Contains(card.Actions, a => a.Id == ProposalActions.RemindFirst);
        var text = await ApprovedTextAsync();
        Assert.DoesNotContain("This follows", text);
        Assert.DoesNotContain("reminder", text);
    }

    [Fact]
    public async Task A_draft_marked_as_sent_is_history_from_then_on()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Oakleaf Bakery"), "0031", 10, 1350m);
        await _h.ChaseAndDeliverAsync();

        Assert.Equal("Marked as sent: the second reminder to Oakleaf Bakery, on 23 Nov. Later messages to Oakleaf Bakery will count it as contact.",
            (await _h.Commands(Collectors).HandleAsync("sent oak", new CommandContext("UCOLLECTOR", "slack"))).ToText());
        Assert.Equal("Nothing from ChaseBot is waiting to be sent to Oakleaf Bakery: every draft was emailed or marked as sent.",
            (await _h.Commands(Collectors).HandleAsync("sent Oakleaf Bakery", new CommandContext("UCOLLECTOR", "slack"))).ToText());
        // The button on the same draft, pressed later, changes nothing; a viewer may not press it.
        var key = _h.Platform.Sent.Single().Content.Actions.Single().Value;
        Assert.Equal(CommandOutcome.Refused, (await _h.Commands(Collectors).MarkDraftSentAsync(key, new CommandContext("UVIEWER", "slack"))).Outcome);
        Assert.StartsWith("The second reminder to Oakleaf Bakery was already marked as sent on 23 Nov",
            (await _h.Commands(Collectors).MarkDraftSentAsync(key, new CommandContext("UCOLLECTOR", "slack"))).Message.Title);

        var (_, card) = await ProposalAfterAsync(days: 11);
        Assert.DoesNotContain(card.Lines, l => l.StartsWith("Nothing from you has reached", StringComparison.Ordinal));
        Assert.Contains("This follows our reminder of 23 November 2026.", await ApprovedTextAsync());
    }

    [Fact]
    public async Task An_approved_card_shows_the_text_as_approved_with_its_dates_not_the_text_as_proposed()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Oakleaf Bakery"), "0031", 21, 1350m);
        await _h.ChaseAndDeliverAsync(); // Monday: the late notice is proposed, "by 30 November"
        var proposed = _h.Platform.Sent.Single(s => s.Message.Kind == OutboxKinds.Proposal).Content.Artifact!;
        Assert.Contains("by 30 November 2026", proposed);

        _h.Clock.Advance(TimeSpan.FromDays(1)); // approved on its card a day later: the text that goes says 1 December
        var id = await _h.QueryAsync(db => db.Proposals.Select(p => p.Id).SingleAsync());
        Assert.True((await _h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve, onItsCard: true)).Accepted);
        await _h.Drainer.DrainAsync();

        var card = _h.Platform.Sent.Single(s => s.Message.Kind == OutboxKinds.CardUpdate).Content;
        Assert.Contains("by 1 December 2026", card.Artifact);
        Assert.DoesNotContain("30 November", card.Artifact);
        Assert.Equal(card.Artifact, _h.Platform.Sent.Single(s => s.Message.Kind == OutboxKinds.Artifact).Content.Artifact);
    }

    [Fact]
    public async Task A_reminder_the_mail_server_accepted_is_history_and_its_chat_message_says_when_it_went_in_one_line()
    {
        await using var mail = await TestMailServer.StartAsync();
        var email = Options.Create(new EmailOptions { Host = "127.0.0.1", Port = mail.Port, Security = "none", From = "accounts@studio.example", SendReminders = true });
        var runner = new ChaseRunner(_h.Db.Factory, _h.Settings, _h.Clock, email: email);
        var drainer = new OutboxDrainer(_h.Db.Factory, new ChatRouter(_h.Platform, null, new EmailPlatform(email, NullLogger<EmailPlatform>.Instance)), _h.Clock);
        await _h.InvoiceAsync(await _h.ClientAsync("Oakleaf Bakery"), "0031", 10, 1350m);

        await runner.RunAsync();
        await drainer.DrainAsync();
        await drainer.DrainAsync(); // the posted reminder, rewritten to say when the email went

        Assert.Single(mail.Received);
        var contact = await _h.QueryAsync(db => db.ClientContacts.SingleAsync());
        Assert.Equal((ContactWay.Emailed, ChaseLadder.Reminder2), (contact.Way, contact.Step));
        var rewritten = _h.Platform.Sent.Last(s => s.Message.Kind == OutboxKinds.CardUpdate).Content;
        Assert.Matches(@"^Sent to ap@oakleaf\.example at \d\d:\d\d UTC on 23 Nov\.$", rewritten.Lines[^1]);
        Assert.DoesNotContain(rewritten.Lines, l => l.StartsWith(ChaseMessages.WillEmail, StringComparison.Ordinal));
        Assert.Empty(rewritten.Actions); // nothing to mark: it was emailed

        _h.Clock.Advance(TimeSpan.FromDays(11));
        await runner.RunAsync();
        await drainer.DrainAsync();
        Assert.Contains("This follows our reminder of 23 November 2026.", await ApprovedTextAsync());
    }
}
