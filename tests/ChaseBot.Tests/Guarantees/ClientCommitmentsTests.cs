using System.Globalization;
using System.Text.RegularExpressions;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Ledger;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Guarantees;

/// <summary>The replay runs once for the class: eight weeks of a real ledger, SMTP server and fake Slack.</summary>
public sealed class ClientCommitmentsFixture : IAsyncLifetime
{
    public ClientCommitmentsReplay Replay { get; private set; } = null!;
    public async Task InitializeAsync() => Replay = await ClientCommitmentsScript.RunAsync();
    public async Task DisposeAsync() => await Replay.DisposeAsync();
}

/// <summary>
/// docs/guarantees.md §10, "What we tell clients is true": each test is one of issue 26's fifteen findings, attacked
/// through what the clients' mail server and the approver's Slack received over the replay (<see cref="ClientCommitmentsScript"/>).
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed partial class ClientCommitmentsTests(ClientCommitmentsFixture fixture) : IClassFixture<ClientCommitmentsFixture>
{
    private ClientCommitmentsReplay R => fixture.Replay;

    private static DateOnly LongDate(string text) => DateOnly.ParseExact(text, "d MMMM yyyy", CultureInfo.InvariantCulture);

    private IEnumerable<ClientEmail> Helios => R.To("ap@helios.example");

    private Task<List<Proposal>> ProposalsAsync(string client) => R.H.QueryAsync(db => db.Proposals
        .Where(p => p.Invoice.Client.Name == client).OrderBy(p => p.Id).ToListAsync());

    /// <summary>1. A consequence a notice dates is proposed on that date, its card says what was told, and the client hears of it.</summary>
    [Fact]
    public async Task A_suspension_date_a_final_notice_gave_is_the_day_the_suspension_is_proposed_and_the_client_is_told_of_it()
    {
        var final = Assert.Single(Helios, e => e.Subject.StartsWith("Final notice", StringComparison.Ordinal));
        var from = LongDate(SuspendFrom().Match(final.Body).Groups[1].Value);

        var suspension = Assert.Single(await ProposalsAsync("Helios Solar Ltd"), p => p.Step == ChaseLadder.Suspension);
        Assert.Equal(from, suspension.ProposedOn);
        var card = R.Chat.First(c => c.Text.StartsWith("Proposal: suspend access for Helios Solar Ltd", StringComparison.Ordinal));
        Assert.Contains($"What Helios Solar Ltd was told: the final notice of {final.Day:d MMM} said access may be suspended from {from:d MMM}", card.Text);
        var suspended = Assert.Single(Helios, e => e.Subject.StartsWith("Access suspended", StringComparison.Ordinal));
        Assert.Contains("Your data is safe", suspended.Body);
        Assert.Contains("To get access back, pay the total overdue", suspended.Body);
        Assert.True(suspended.Day < Helios.Single(e => e.Subject.StartsWith("Access restored", StringComparison.Ordinal)).Day);
    }

    [GeneratedRegex(@"we may suspend access to the services we provide from (\d+ \w+ \d{4})")]
    private static partial Regex SuspendFrom();

    /// <summary>2. "Access restored" goes only when the approver says access is back, and says nothing of the checklist.</summary>
    [Fact]
    public async Task Access_restored_is_emailed_only_once_the_approver_says_access_is_back()
    {
        var restore = Assert.Single(await ProposalsAsync("Helios Solar Ltd"), p => p.Step == ChaseLadder.RestoreAccess);
        var card = R.Chat.First(c => c.Text.StartsWith("Proposal: restore access for Helios Solar Ltd", StringComparison.Ordinal));
        Assert.Contains(card.Text.Split('\n'), line => line == "Access is back: tell the client"); // the button itself, not "Approve"
        var restored = Assert.Single(Helios, e => e.Subject.StartsWith("Access restored", StringComparison.Ordinal));
        Assert.True(restored.Day >= restore.DecidedOn, "the restore email went before the approver said access was back");
        Assert.DoesNotContain("outage page", restored.Body);
    }

    /// <summary>3. Reduction and suspension have client texts; a hand-off writes to the client only under a referral clause.</summary>
    [Fact]
    public async Task Each_rung_that_affects_the_client_is_told_to_them_and_a_hand_off_without_a_referral_clause_is_not()
    {
        Assert.Contains(Helios, e => e.Subject.StartsWith("Changes to our service", StringComparison.Ordinal) &&
                                     e.Body.Contains("Full service resumes as soon as your payment clears", StringComparison.Ordinal));
        Assert.Contains(Helios, e => e.Subject.StartsWith("Access suspended", StringComparison.Ordinal));
        var handOff = Assert.Single(await ProposalsAsync("Blue Ridge Outfitters"), p => p.Step == ChaseLadder.HandOff);
        Assert.Equal(ProposalStatus.Approved, handOff.Status);
        Assert.DoesNotContain(R.To("ap@blueridge.example"), e => e.Subject.Contains("Referral", StringComparison.Ordinal));
        Assert.DoesNotContain(R.To("ap@blueridge.example"), e => e.Body.Contains("referred", StringComparison.Ordinal)); // never threatened either
        // The case's deadline is the last one a delivered text gave: the final notice's, not the hand-off plan's.
        await using var db = R.H.Db.Open();
        var blueRidge = Assert.Single(await Core.Reports.CaseReport.RunAsync(db, R.H.Settings, R.H.Today, await db.Clients.Where(c => c.Name == "Blue Ridge Outfitters").Select(c => (long?)c.Id).SingleAsync()));
        var final = R.To("ap@blueridge.example").Single(e => e.Subject.StartsWith("Final notice", StringComparison.Ordinal));
        Assert.Equal(LongDate(PayInFullBy().Match(final.Body).Groups[1].Value), blueRidge.Deadline);
    }

    [GeneratedRegex(@"pay the total overdue in full by (\d+ \w+ \d{4})")]
    private static partial Regex PayInFullBy();

    /// <summary>4. Once approved, the card shows the text as it was sent, dates and figures included.</summary>
    [Fact]
    public void An_approved_card_shows_the_text_that_went_out()
    {
        var notices = R.Emails.Where(e => e.Subject.StartsWith("Formal notice", StringComparison.Ordinal) || e.Subject.StartsWith("Final notice", StringComparison.Ordinal)).ToList();
        Assert.True(notices.Count >= 8);
        foreach (var notice in notices)
        {
            var client = Regex.Match(notice.Body, "^Dear (.+),$", RegexOptions.Multiline).Groups[1].Value;
            var step = notice.Subject.StartsWith("Final", StringComparison.Ordinal) ? "final notice" : "formal late notice";
            // The proposal's own card once decided: rewritten in place, or, if it was still held for the weekend when the
            // approver decided, posted as a record (not the "Approved:" post, which is written at approval).
            var settled = R.Chat.Last(c => c.Day <= notice.Day && c.Text.Contains("Approved by alice", StringComparison.Ordinal) &&
                                           Regex.IsMatch(c.Text, $@"^(Proposal|Back from snooze|Proposal, updated): {step} for {Regex.Escape(client)} \("));
            foreach (Match date in Regex.Matches(notice.Body, @"\d{1,2} [A-Z][a-z]+ \d{4}"))
                Assert.Contains(date.Value, settled.Text);
            Assert.Contains(Regex.Match(notice.Body, @"Total overdue: \w{3} [\d,.]+").Value, settled.Text);
        }
    }

    /// <summary>5. A resolved dispute resumes after Chase:ResumeAfterDisputeDays, and the next text thanks the client for it.</summary>
    [Fact]
    public async Task A_resolved_dispute_resumes_a_week_later_and_the_next_text_acknowledges_it()
    {
        var resolvedOn = R.Said.Single(s => s.Command.StartsWith("resolve O-1", StringComparison.Ordinal)).Day;
        var proposals = await ProposalsAsync("Oakleaf Bakery");
        Assert.All(proposals.Where(p => p.ProposedOn > resolvedOn.AddDays(-13)), p => Assert.True(p.ProposedOn >= resolvedOn.AddDays(R.H.Settings.ResumeAfterDisputeDays)));
        var next = R.To("orders@oakleaf.example").First(e => e.Day > resolvedOn);
        Assert.StartsWith("Dear Oakleaf Bakery,\n\nThank you for resolving your query about invoice O-1 with us.", next.Body);
    }

    /// <summary>6. History is what was delivered: a client nobody could email is never told of "earlier reminders", nor sent a final notice.</summary>
    [Fact]
    public async Task A_client_whose_drafts_nobody_sent_is_never_told_of_earlier_contact()
    {
        var quill = R.Chat.Where(c => c.Text.Contains("Quill Stationers", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(quill);
        Assert.DoesNotContain(R.Emails, e => e.Body.Contains("Quill", StringComparison.Ordinal));
        foreach (var claim in new[] { "earlier reminders", "This follows", "Despite our", "our reminder of", "our formal notice of" })
            Assert.DoesNotContain(quill, c => c.Text.Contains(claim, StringComparison.Ordinal));
        Assert.DoesNotContain(await ProposalsAsync("Quill Stationers"), p => p.Step == ChaseLadder.FinalNotice);
        // Every claim of a reminder or notice "of" a day names a day one really reached that client.
        foreach (var email in R.Emails)
            foreach (Match claim in Regex.Matches(email.Body, @"our (?:reminder|formal notice|final notice) of (\d+ \w+ \d{4})"))
                Assert.Contains(R.Emails, e => e.To == email.To && e.Day == LongDate(claim.Groups[1].Value));
    }

    /// <summary>7. A thank-you says the chase stopped only when nothing else of the client is chased.</summary>
    [Fact]
    public void A_thank_you_while_something_else_is_owed_says_what_remains_and_not_that_the_chase_stopped()
    {
        var tui = Assert.Single(R.To("ap@tui.example"), e => e.Subject == "Thank you — invoice T-1 paid in full");
        Assert.Contains("This invoice remains overdue:\n  • T-2: GBP 3,000.00, due 18 February 2027", tui.Body);
        Assert.Contains(ClientCommitmentsReplay.Instructions, tui.Body);
        var channel = R.Chat.First(c => c.Text.StartsWith("Paid: Tui Print & Design settled 1 chased invoice", StringComparison.Ordinal));
        Assert.Contains("Tui Print & Design still owes GBP 3,000.00 on 1 overdue invoice, and chasing goes on for it.", channel.Text);
        Assert.DoesNotContain("stopped", channel.Text);
        var helios = R.Chat.First(c => c.Text.StartsWith("Paid: Helios Solar Ltd settled 1 chased invoice", StringComparison.Ordinal));
        Assert.Contains("Helios Solar Ltd has nothing overdue now, so the chase has stopped.", helios.Text);
    }

    /// <summary>8. Every email that asks for money says how to pay.</summary>
    [Fact]
    public void Every_client_email_that_asks_for_money_says_how_to_pay()
    {
        var asking = R.Emails.Where(e => !e.Subject.StartsWith("Access restored", StringComparison.Ordinal) &&
                                         !(e.Subject.StartsWith("Thank you", StringComparison.Ordinal) && !e.Body.Contains("remains overdue", StringComparison.Ordinal))).ToList();
        Assert.True(asking.Count >= 20, $"only {asking.Count} emails asked for money");
        Assert.All(asking, e => Assert.Contains(ClientCommitmentsReplay.Instructions, e.Body));
    }

    /// <summary>9. First contact is a reminder unless an approver chooses otherwise; an invoice new to the client is not threatened over.</summary>
    [Fact]
    public async Task First_contact_is_a_reminder_and_an_invoice_named_for_the_first_time_is_also_now_due_outside_the_threat()
    {
        var card = R.Chat.First(c => c.Text.StartsWith("Proposal: formal late notice for Helios Solar Ltd", StringComparison.Ordinal));
        Assert.Contains("Nothing from you has reached Helios Solar Ltd yet", card.Text);
        Assert.Contains("Remind first", card.Text);
        Assert.StartsWith("Overdue: invoice H-1", Helios.First().Subject);
        var notice = Helios.Single(e => e.Subject.StartsWith("Formal notice", StringComparison.Ordinal));
        Assert.True(notice.Day >= Helios.First().Day.AddDays(7));
        foreach (var client in R.Emails.GroupBy(e => e.To))
            Assert.False(client.First().Subject.StartsWith("Final notice", StringComparison.Ordinal), $"{client.Key} first heard from us in a final notice");
        foreach (var final in R.Emails.Where(e => e.Subject.StartsWith("Final notice", StringComparison.Ordinal)))
            Assert.True(R.Emails.Where(e => e.To == final.To).Min(e => e.Day).AddDays(R.H.Settings.MinContactDaysBeforeFinal) <= final.Day);
        // B-3 fell due after the formal notice and before the final one, with nothing sent in between.
        var blueRidge = R.To("ap@blueridge.example").Single(e => e.Subject.StartsWith("Final notice", StringComparison.Ordinal));
        Assert.Contains("Total overdue: GBP 17,250.00\n", blueRidge.Body);
        Assert.Contains("Also now due (not part of this notice; please include it in your payment if you can):\n  • B-3: GBP 2,000.00", blueRidge.Body);
        Assert.Equal(ProposalStatus.Approved, (await ProposalsAsync("Helios Solar Ltd")).First(p => p.Step == ChaseLadder.LateNotice).Status);
    }

    /// <summary>10. A "pay by" date still ahead is repeated, never moved, and no rung lands on a date given.</summary>
    [Fact]
    public async Task A_date_given_is_kept_by_later_texts_and_no_step_comes_on_or_before_it()
    {
        foreach (var client in R.Emails.GroupBy(e => e.To))
        {
            DateOnly? given = null;
            foreach (var email in client.OrderBy(e => e.Day))
            {
                var asked = Regex.Matches(email.Body, @"(?:pay the balance by|pay the total overdue by|pay the total overdue in full by) (\d+ \w+ \d{4})")
                    .Select(m => LongDate(m.Groups[1].Value)).ToList();
                foreach (var date in asked.Where(_ => given is { } g && g > email.Day && !email.Subject.StartsWith("Final", StringComparison.Ordinal)))
                    Assert.True(date == given, $"{client.Key} was given {given} and then, on {email.Day}, {date}");
                if (asked.Count > 0)
                    given = asked.Max();
            }
        }
        await using var db = R.H.Db.Open();
        var contacts = await db.ClientContacts.Where(c => c.PayBy != null).Select(c => new { c.ClientId, PayBy = c.PayBy!.Value, c.At }).ToListAsync();
        var grace = Math.Max(1, R.H.Settings.GraceDays);
        foreach (var proposal in await db.Proposals.Include(p => p.Invoice).Where(p => p.Step != ChaseLadder.RestoreAccess).ToListAsync())
        {
            var put = proposal.PutOn ?? proposal.ProposedOn;
            foreach (var contact in contacts.Where(c => c.ClientId == proposal.Invoice.ClientId && DateOnly.FromDateTime(c.At) < put))
                Assert.True(put >= contact.PayBy.AddDays(grace),
                    $"{proposal.Step} was put to the approver on {put}, before the {contact.PayBy} a text of {DateOnly.FromDateTime(contact.At)} gave and the grace days");
        }
    }

    /// <summary>11. A partial payment is thanked, with its amount and date, in the next text.</summary>
    [Fact]
    public void A_partial_payment_is_acknowledged_in_the_next_text()
    {
        var paidOn = R.Said.Single(s => s.Command == "paid T-2 1000").Day;
        var next = R.To("ap@tui.example").First(e => e.Day > paidOn);
        Assert.Contains($"Thank you for your payment of GBP 1,000.00 on {paidOn:d MMMM yyyy} towards invoice T-2; GBP 2,000.00 remains due.", next.Body);
    }

    /// <summary>12. A void is said in the channel, and its case closes as written off and stays listed.</summary>
    [Fact]
    public async Task A_voided_invoice_is_said_and_its_case_closes_as_written_off_and_is_still_listed()
    {
        Assert.Contains(R.Chat, c => c.Text.StartsWith("Written off: P-1 (Pine & Co Joinery, EUR 2,000.00) was voided in the books", StringComparison.Ordinal));
        await using var db = R.H.Db.Open();
        var closed = Assert.Single(await Core.Reports.CaseReport.ClosedAsync(db, R.H.Settings, null), c => c.Client == "Pine & Co Joinery");
        Assert.Equal("written off", closed.Reason);
        Assert.Contains(closed.Timeline, e => e.What.StartsWith("Approved by alice: formal late notice", StringComparison.Ordinal));
    }

    /// <summary>13. An older export imported after a newer one leaves the newer facts and says so.</summary>
    [Fact]
    public async Task An_older_export_does_not_reopen_what_a_newer_one_paid()
    {
        var stale = R.Imports[2];
        Assert.Contains(stale.Warnings, w => w.StartsWith("Invoice S-1 left as it was: this export (as of 24 Feb 2027 08:00 UTC) is older", StringComparison.Ordinal));
        var s1 = await R.H.QueryAsync(db => db.Invoices.SingleAsync(i => i.Number == "S-1"));
        Assert.Equal((InvoiceStatus.Paid, 0m), (s1.Status, s1.AmountDue));
        var thanked = R.To("ap@northwind.example").Single(e => e.Subject.StartsWith("Thank you", StringComparison.Ordinal)).Day;
        Assert.DoesNotContain(R.To("ap@northwind.example"), e => e.Day > thanked);
    }

    /// <summary>14. Chat tells the truth about itself.</summary>
    [Fact]
    public async Task Chat_gives_one_instruction_a_message_lists_only_drafts_still_to_send_and_says_when_each_email_went()
    {
        Assert.DoesNotContain(R.Chat, c => c.Text.Contains("Copy and send this email yourself", StringComparison.Ordinal) &&
                                           c.Text.Contains("ChaseBot emails", StringComparison.Ordinal));
        // Every email the server took has its "Sent to" line on the chat message that drafted it.
        foreach (var email in R.Emails)
            Assert.Contains(R.Chat, c => c.Text.Contains($"Sent to {email.To.Split(", ")[0]}", StringComparison.Ordinal) && c.Day == email.Day);
        // The Home lists as "to send" only drafts nobody can send but the person: never one ChaseBot emails.
        var emailed = R.Emails.Select(e => e.To).ToHashSet();
        Assert.All(R.HomeReminders, h => Assert.Equal("Quill Stationers", h.Reminder.Client));
        Assert.NotEmpty(R.HomeReminders);
        // One digest a working day, none composed on a weekend; Monday's covers the weekend.
        var digests = await R.H.QueryAsync(db => db.Digests.Select(d => d.Key).ToListAsync());
        Assert.DoesNotContain(digests, k => DateOnly.ParseExact(k["scheduled:".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.Equal(R.Chat.Count(c => c.Text.StartsWith("Daily digest", StringComparison.Ordinal) || c.Text.Contains("*Waiting for a decision*", StringComparison.Ordinal)),
            digests.Count);
        var monday = R.Chat.First(c => c.Day == R.Day(7) && c.Text.Contains("Since the last digest", StringComparison.Ordinal));
        Assert.Contains("Since the last digest (10:00 GMT on 26 Feb)", monday.Text);
        // Morale reads the case as it is now: a suspension approved is not "proposed".
        var suspendedOn = (await ProposalsAsync("Helios Solar Ltd")).Single(p => p.Step == ChaseLadder.Suspension).DecidedOn!.Value;
        Assert.DoesNotContain(R.Chat, c => c.Day >= suspendedOn && c.Text.Contains("ChaseBot is proposing to suspend", StringComparison.Ordinal));
    }

    /// <summary>15. Words: times in the zone with its abbreviation, one date style per audience, names not ids, whole days.</summary>
    [Fact]
    public void Words_times_are_local_dates_are_in_one_style_per_audience_and_mentions_are_mentions()
    {
        Assert.Contains(R.Chat, c => c.Text.Contains("Sent to ap@helios.example at 10:00 GMT on 23 Feb.", StringComparison.Ordinal));
        Assert.Contains(R.Chat, c => c.Text.Contains("Sent to ap@helios.example at 11:00 BST on 9 Apr.", StringComparison.Ordinal)); // summer time from 28 March
        Assert.DoesNotContain(R.Chat, c => c.Text.Contains(" UTC", StringComparison.Ordinal));
        Assert.DoesNotContain(R.Emails, e => IsoDate().IsMatch(e.Body) || ShortDate().IsMatch(e.Body));
        Assert.DoesNotContain(R.Chat, c => IsoDate().IsMatch(c.Text));
        Assert.DoesNotContain(R.Chat, c => c.Text.Contains("s's", StringComparison.Ordinal) || c.Text.Contains("is the client is", StringComparison.Ordinal));
        Assert.DoesNotContain(R.Chat, c => Regex.IsMatch(c.Text, @"\d+\.\d+ days"));
        Assert.Contains(R.Chat, c => c.Text.Contains("<@U0KIRI>", StringComparison.Ordinal));
        Assert.Equal("All of Moana Surf School's invoices are snoozed until 2 Mar.", R.Said.Single(s => s.Command == "snooze Moana 7").Reply);
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}")]
    private static partial Regex IsoDate();

    /// <summary>"6 Apr 2027" is chat's style; a client reads "6 April 2027".</summary>
    [GeneratedRegex(@"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}")]
    private static partial Regex ShortDate();
}
