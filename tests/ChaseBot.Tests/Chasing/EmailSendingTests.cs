using ChaseBot.Core.Commands;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Email;
using ChaseBot.Core.Teams;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ChaseBot.Tests.Chasing;

/// <summary>
/// Reminders and approved notices sent by email through the outbox, to a real SMTP server on 127.0.0.1: what the
/// server received (envelope, headers, both parts, CC), and what happens when it says no.
/// </summary>
public sealed class EmailSendingTests : IAsyncLifetime
{
    private TestMailServer _mail = null!;
    private ChaseHarness _h = null!;

    public async Task InitializeAsync()
    {
        _mail = await TestMailServer.StartAsync();
        _h = new ChaseHarness(configure: o => o.DefaultOwner = "U0OWNER");
    }

    public async Task DisposeAsync()
    {
        _h.Dispose();
        await _mail.DisposeAsync();
    }

    private IOptions<EmailOptions> Email(bool reminders = true, bool notices = true) => Options.Create(new EmailOptions
    {
        Host = "127.0.0.1", Port = _mail.Port, Security = "none", From = "accounts@studio.example", ReplyTo = "ana@studio.example",
        SendReminders = reminders, SendNotices = notices,
    });

    private (ChaseRunner Runner, ProposalDecisions Decisions, OutboxDrainer Drainer) Wired(IOptions<EmailOptions> email) =>
        (new ChaseRunner(_h.Db.Factory, _h.Settings, _h.Clock, email: email),
         new ProposalDecisions(_h.Db.Factory, _h.Settings, _h.Clock, email),
         new OutboxDrainer(_h.Db.Factory, new ChatRouter(_h.Platform, null, new EmailPlatform(email, NullLogger<EmailPlatform>.Instance)), _h.Clock));

    private Task KauriAsync(int daysLate, string? cc = "finance@kauri.example") => _h.InvoiceAsync(
        _h.ClientAsync("Kauri Digital Ltd", c => (c.BillingEmail, c.CcAddresses) = ("ap@kauri.example", cc)).Result, "INV-0101", daysLate, 4600m,
        i => i.Currency = "NZD");

    [Fact]
    public async Task A_reminder_is_emailed_to_the_billing_address_with_accounts_in_cc_in_plain_text_and_html()
    {
        await KauriAsync(daysLate: 15);
        var (runner, _, drainer) = Wired(Email());

        await runner.RunAsync();
        await drainer.DrainAsync();

        var mail = Assert.Single(_mail.Received);
        Assert.Equal("accounts@studio.example", mail.MailFrom);
        Assert.Equal(["ap@kauri.example", "finance@kauri.example"], mail.RcptTo.Order());
        var m = mail.Message;
        Assert.Equal(("ap@kauri.example", "finance@kauri.example", "ana@studio.example"),
            (m.To.Mailboxes.Single().Address, m.Cc.Mailboxes.Single().Address, m.ReplyTo.Mailboxes.Single().Address));
        Assert.StartsWith("Overdue: invoice INV-0101 (NZD 4,600.00), payment needed by", m.Subject);
        Assert.Contains("Invoice INV-0101: NZD 4,600.00", m.TextBody);
        Assert.Contains("<p>", m.HtmlBody);
        Assert.EndsWith("@studio.example", m.MessageId);
        // Recorded: the chat message says it went, and the audit history says to whom, with the server's answer.
        var chat = _h.Platform.Sent.Single(s => s.Message.Kind == "reminder").Content;
        Assert.Contains("ChaseBot emails this to ap@kauri.example (cc finance@kauri.example) at the next allowed hour; this message says when it went.", chat.Lines);
        Assert.DoesNotContain(ChaseMessages.SendItYourself, chat.Lines); // one instruction: ChaseBot sends it, nobody else
        Assert.Empty(chat.Actions);
        var audit = await _h.QueryAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "email.sent"));
        Assert.Equal("Kauri Digital Ltd", audit.Subject);
        Assert.StartsWith($"to ap@kauri.example; cc finance@kauri.example; subject {m.Subject}; Message-ID {m.MessageId}; ", audit.Details);
        Assert.True(audit.Details!.Length > audit.Details.LastIndexOf("; ", StringComparison.Ordinal) + 2, "the server's answer is recorded");
        // A second run and drain send nothing more.
        await runner.RunAsync();
        await drainer.DrainAsync();
        Assert.Single(_mail.Received);
    }

    [Fact]
    public async Task A_drains_emails_go_over_one_connection_and_a_failed_one_is_not_tried_again_on_it()
    {
        foreach (var name in new[] { "Kauri Digital Ltd", "Blue Ridge Outfitters", "Harbour Light Studio" })
        {
            var tag = name.Split(' ')[0].ToLowerInvariant();
            var client = await _h.ClientAsync(name, c => (c.BillingEmail, c.Channel) = ($"ap@{tag}.example", $"C0{tag.ToUpperInvariant()}"));
            await _h.InvoiceAsync(client, $"INV-{tag}", 15, 1200m);
        }
        var (runner, _, drainer) = Wired(Email());
        await runner.RunAsync();
        _mail.TemporaryFailures = 1; // the first message is told to try again later (451)

        await drainer.DrainAsync();

        Assert.Equal(2, _mail.Received.Count);
        Assert.Single(_mail.Received.Select(m => m.Session).Distinct()); // the two after the refusal share one connection
        _h.Clock.Advance(TimeSpan.FromHours(1));
        await drainer.DrainAsync();
        Assert.Equal(3, _mail.Received.Count);
        Assert.Equal(2, _mail.Received.Select(m => m.Session).Distinct().Count()); // a later drain opens its own
    }

    [Fact]
    public async Task Without_Email_SendReminders_nothing_is_emailed_and_the_draft_stays_in_chat()
    {
        await KauriAsync(daysLate: 3);
        var (runner, _, drainer) = Wired(Email(reminders: false));

        await runner.RunAsync();
        await drainer.DrainAsync();

        Assert.Empty(_mail.Received);
        Assert.Contains(ChaseMessages.SendItYourself, _h.Platform.Sent.Single().Content.Lines);
    }

    [Fact]
    public async Task A_notice_is_emailed_only_after_approval_exactly_as_approved()
    {
        await KauriAsync(daysLate: 25, cc: null);
        var (runner, decisions, drainer) = Wired(Email());
        await runner.RunAsync();
        await drainer.DrainAsync();
        Assert.Empty(_mail.Received); // proposed is not sent

        var id = await _h.QueryAsync(db => db.Proposals.Select(p => p.Id).SingleAsync());
        Assert.True((await decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve)).Accepted);
        await drainer.DrainAsync();

        await drainer.DrainAsync(); // the approved text, rewritten to say when it went
        var approved = _h.Platform.Sent.First(s => s.Message.Kind == "artifact").Content;
        var mail = Assert.Single(_mail.Received).Message;
        var marked = _h.Platform.Sent.Single(s => s.Message.Kind == "card-update" && s.Content.Title.StartsWith("Approved", StringComparison.Ordinal)).Content;
        Assert.Matches(@"^Sent to ap@kauri\.example at \d\d:\d\d UTC on 23 Nov\.$", marked.Lines[^1]);
        var history = await _h.QueryAsync(db => Core.Reports.CaseReport.RunAsync(db, _h.Settings, _h.Today, null));
        Assert.Contains(history.Single().Timeline, e => e.What == $"Emailed to ap@kauri.example; subject {mail.Subject}");
        Assert.Equal("Formal notice of late payment — NZD 4,600.00 overdue", mail.Subject);
        var text = approved.Artifact!;
        Assert.Equal(text[text.IndexOf("Dear", StringComparison.Ordinal)..].Trim(), mail.TextBody!.Trim().Replace("\r\n", "\n"));
        Assert.Contains("ChaseBot emails the notice to ap@kauri.example at the next allowed hour; this message says when it went.", approved.Lines);
        Assert.DoesNotContain(marked.Lines, l => l.StartsWith(ChaseMessages.WillEmail, StringComparison.Ordinal)); // replaced by what happened
    }

    [Fact]
    public async Task A_mailbox_the_server_refuses_is_dead_lettered_with_its_words_and_said_in_the_channel()
    {
        await KauriAsync(daysLate: 3, cc: null);
        _mail.Unknown["ap@kauri.example"] = true;
        var (runner, _, drainer) = Wired(Email());

        await runner.RunAsync();
        var drained = await drainer.DrainAsync();
        await drainer.DrainAsync();

        Assert.Equal(1, drained.DeadLettered);
        var dead = await _h.QueryAsync(db => db.Outbox.SingleAsync(m => m.Kind == "email"));
        Assert.NotNull(dead.DeadLetteredAt);
        Assert.StartsWith("InvalidOperationException: 550 mailbox unavailable", dead.LastError);
        var said = _h.Platform.Sent.Single(s => s.Message.Kind == "email-failed");
        Assert.StartsWith("Couldn't email Kauri Digital Ltd (ap@kauri.example): 550 mailbox unavailable", said.Content.Title);
        Assert.Equal(_h.Settings.DefaultChannel, said.Message.Target);
    }

    [Fact]
    public async Task A_server_that_says_try_later_gets_the_same_message_again_later_with_the_same_Message_ID()
    {
        await KauriAsync(daysLate: 3, cc: null);
        _mail.TemporaryFailures = 1;
        var (runner, _, drainer) = Wired(Email());

        await runner.RunAsync();
        var first = await drainer.DrainAsync();
        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await drainer.DrainAsync();

        Assert.Equal((1, 1), (first.Delivered, first.Retrying)); // the chat reminder went; the email waits
        Assert.Equal(2, second.Delivered); // the email, and the reminder rewritten to say it went
        var row = await _h.QueryAsync(db => db.Outbox.SingleAsync(m => m.Kind == "email"));
        Assert.Equal((2, Assert.Single(_mail.Received).Message.MessageId), (row.Attempts, row.PlatformMessageId));
    }

    [Fact]
    public async Task Preview_emails_the_notice_to_the_person_asking_and_nothing_to_the_client()
    {
        await KauriAsync(daysLate: 25);
        var (runner, decisions, drainer) = Wired(Email());
        await runner.RunAsync();
        var id = await _h.QueryAsync(db => db.Proposals.Select(p => p.Id).SingleAsync());
        var commands = _h.Commands(decisions: decisions);

        // Slack links an address someone types; SlackMarkup reads it back to the address, as SlackInbound does.
        var sent = (await commands.HandleAsync(ChaseBot.Core.Slack.SlackMarkup.Read($"preview {id} to <mailto:ana@studio.example|ana@studio.example>").Text,
            new("U1", "slack"))).ToText();
        var toReplyTo = (await commands.HandleAsync($"preview {id}", new("U1", "slack"))).ToText();
        var plan = await commands.HandleAsync("preview 999", new("U1", "slack"));
        await drainer.DrainAsync();

        Assert.Equal("The formal late notice for Kauri Digital Ltd, as it would go if approved now, is on its way to ana@studio.example. Nothing was sent to the client.", sent);
        Assert.Contains("on its way to ana@studio.example", toReplyTo); // Email:ReplyTo
        Assert.Equal(Core.Commands.CommandOutcome.Refused, plan.Outcome);
        Assert.Equal(2, _mail.Received.Count);
        Assert.All(_mail.Received, m => Assert.Equal(["ana@studio.example"], m.RcptTo));
        Assert.StartsWith("[Preview] Formal notice of late payment — NZD 4,600.00 overdue", _mail.Received.First().Message.Subject);
        Assert.Equal(ProposalStatus.Pending, await _h.QueryAsync(db => db.Proposals.Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task An_email_waits_for_working_hours_in_the_clients_own_time_zone()
    {
        await KauriAsync(daysLate: 3, cc: null);
        Assert.Contains("time zone Pacific/Auckland", await _h.SayAsync("client Kauri timezone Pacific/Auckland", "UAPPROVER"));
        Assert.Contains("is not a time zone", await _h.SayAsync("client Kauri timezone Mars/Olympus", "UAPPROVER"));
        var (runner, _, drainer) = Wired(Email());

        await runner.RunAsync(); // Monday 10:00 UTC is 23:00 in Auckland
        await drainer.DrainAsync();

        Assert.Empty(_mail.Received);
        Assert.Single(_h.Platform.Sent, s => s.Message.Kind == "reminder"); // the team's chat works on Chase:TimeZone
        var email = await _h.QueryAsync(db => db.Outbox.SingleAsync(m => m.Kind == "email"));
        Assert.Equal(DateTime.Parse("2026-11-23T20:00:00Z").ToUniversalTime(), email.NotBefore); // 09:00 on Tuesday in Auckland
        _h.Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-23T20:00:00Z"));
        await drainer.DrainAsync();
        Assert.Single(_mail.Received);
    }

    [Fact]
    public async Task Smtp4dev_receives_an_approved_notice_exactly_as_approved()
    {
        await using var smtp4dev = await Smtp4dev.StartAsync();
        var email = Options.Create(new EmailOptions
        {
            Host = "127.0.0.1", Port = smtp4dev.SmtpPort, Security = "none", From = "accounts@studio.example", SendNotices = true,
        });
        await KauriAsync(daysLate: 25);
        var (runner, decisions, drainer) = Wired(email);
        await runner.RunAsync();

        await decisions.DecideAsync(await _h.QueryAsync(db => db.Proposals.Select(p => p.Id).SingleAsync()), new Actor("slack", "alice"), Verdict.Approve);
        await drainer.DrainAsync();

        var mail = Assert.Single(await smtp4dev.MessagesAsync());
        Assert.Equal(("ap@kauri.example", "finance@kauri.example"), (mail.To.Mailboxes.Single().Address, mail.Cc.Mailboxes.Single().Address));
        Assert.Equal("Formal notice of late payment — NZD 4,600.00 overdue", mail.Subject);
        var approved = _h.Platform.Sent.First(s => s.Message.Kind == "artifact").Content.Artifact!;
        Assert.Equal(approved[approved.IndexOf("Dear", StringComparison.Ordinal)..].Trim(), mail.TextBody!.Trim().Replace("\r\n", "\n"));
        Assert.Contains("<p>Dear Kauri Digital Ltd,</p>", mail.HtmlBody);
    }

    [Fact]
    public void No_text_can_add_a_header_or_a_recipient()
    {
        var options = Email().Value;
        var draft = new EmailDraft("ap@kauri.example", "finance@kauri.example, x@y.example\r\nBcc: all@evil.example, Boss <boss@evil.example>",
            "Overdue\r\nBcc: all@evil.example", "Hello");

        var mime = EmailPlatform.Mime(draft, options, "reminder:1");

        Assert.Equal(["ap@kauri.example", "finance@kauri.example"], mime.GetRecipients().Select(r => r.Address).Order());
        Assert.Null(mime.Headers[HeaderId.Bcc]);
        Assert.Equal("Overdue  Bcc: all@evil.example", mime.Subject);
        Assert.Equal(EmailPlatform.Mime(draft, options, "reminder:1").MessageId, mime.MessageId); // the same step, the same Message-ID
        Assert.Throws<InvalidOperationException>(() => EmailPlatform.Mime(draft with { To = "ap@kauri.example\r\nCc: x@evil.example" }, options, "k"));
    }

    [Fact]
    public async Task Run_once_with_email_configured_sends_the_samples_reminders_and_bad_settings_are_refused_at_start()
    {
        using var db = new TestDatabase();
        var settings = new Dictionary<string, string?>
        {
            ["Email:Host"] = "127.0.0.1", ["Email:Port"] = _mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Security"] = "none", ["Email:From"] = "accounts@studio.example", ["Email:SendReminders"] = "true",
        };

        var run = await Cli.RunAsync(Clocks.At("2026-11-23T10:00:00Z"), settings, "run-once", "--folder", Samples.Folder, "--db", db.Path);
        var refused = await Cli.RunAsync(Clocks.At("2026-11-23T10:00:00Z"), new Dictionary<string, string?> { ["Email:SendNotices"] = "true" },
            "status", "--db", db.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.NotEmpty(_mail.Received);
        Assert.All(_mail.Received, m => Assert.Equal("accounts@studio.example", m.MailFrom));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Email:SendReminders or Email:SendNotices is on but Email:Host is not set", refused.Error);
    }
}
