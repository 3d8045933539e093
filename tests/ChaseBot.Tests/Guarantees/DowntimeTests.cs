using ChaseBot.Core.Chasing;
using ChaseBot.Tests.Chasing;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// The Worker down for a while and then back: the catch-up rule holds. What fell due while it was down is sent once,
/// as the latest step due (the ones it jumped are recorded as skipped, never sent late in a burst), escalations still
/// climb one rung at a time, and the messages wait for working hours in the user's zone.
/// </summary>
public sealed class DowntimeTests
{
    [Fact]
    public async Task Down_across_a_daylight_saving_change_the_Worker_catches_up_once_in_local_time()
    {
        // Running until Friday 23 October 2026 18:00 London time; back on Tuesday 27th at 10:00 (summer time ended on Sunday).
        using var h = new ChaseHarness("2026-10-23T17:00:00Z", "Europe/London");
        var invoice = await h.InvoiceAsync(await h.ClientAsync("Tui Print & Design"), "INV-7", 0, configure:
            i => i.DueDate = new DateOnly(2026, 10, 21)); // +2 on Friday: nothing due yet
        Assert.Equal(0, (await h.Runner.RunAsync()).Reminders);

        h.Clock.SetUtcNow(DateTimeOffset.Parse("2026-10-27T10:00:00Z")); // 10:00 GMT = 10:00 London
        var summary = await h.ChaseAndDeliverAsync();

        // +6 on Tuesday: reminder-1 (day +3, Saturday) is the step due; it goes out once, now.
        Assert.Equal(1, summary.Reminders);
        var steps = await h.StepsAsync(invoice.Id);
        Assert.Equal([(ChaseLadder.Reminder1, new DateOnly(2026, 10, 27))], steps.Select(s => (s.Step, s.Day)));
        Assert.Single(h.Platform.Sent);
        Assert.Equal(0, (await h.Runner.RunAsync()).Reminders); // and not again
    }

    [Fact]
    public async Task Down_across_a_weekend_the_steps_due_on_saturday_and_sunday_go_out_once_on_monday_morning()
    {
        // Down from Friday 20 November 17:00 UTC to Monday 23rd 07:00, before working hours.
        using var h = new ChaseHarness("2026-11-20T17:00:00Z");
        var client = await h.ClientAsync("Kauri Digital Ltd");
        var saturday = await h.InvoiceAsync(client, "K-SAT", 0, configure: i => i.DueDate = new DateOnly(2026, 11, 18)); // +3 on Saturday
        var sunday = await h.InvoiceAsync(client, "K-SUN", 0, configure: i => i.DueDate = new DateOnly(2026, 11, 15)); // +7 on Sunday
        await h.Runner.RunAsync(); // Friday: K-SUN is +5, reminder-1 was due on Wednesday and goes now
        var friday = (await h.OutboxAsync()).Count;

        h.Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-23T07:00:00Z"));
        var summary = await h.Runner.RunAsync();

        var monday = (await h.OutboxAsync()).Skip(friday).ToList();
        var message = Assert.Single(monday); // both invoices in one reminder to the client's channel
        Assert.Equal(2, summary.Reminders);
        Assert.Equal(DateTime.Parse("2026-11-23T09:00:00Z").ToUniversalTime(), message.NotBefore); // held for working hours
        Assert.Equal(ChaseLadder.Reminder1, (await h.StepsAsync(saturday.Id)).Single().Step);
        Assert.Equal([ChaseLadder.Reminder1, ChaseLadder.Reminder2], (await h.StepsAsync(sunday.Id)).Select(s => s.Step).Order());
        await h.Drainer.DrainAsync();
        Assert.Empty(h.Platform.Sent.Skip(friday)); // 07:00: nothing yet
        h.Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-23T09:00:00Z"));
        await h.Runner.RunAsync();
        await h.Drainer.DrainAsync();
        Assert.Equal(friday + 1, h.Platform.Sent.Count); // 09:00: the one Monday message, once
    }

    [Fact]
    public async Task Down_for_a_month_one_proposal_is_made_the_missed_reminders_are_not_sent_and_nothing_jumps_the_ladder()
    {
        using var h = new ChaseHarness("2026-10-26T10:00:00Z");
        var invoice = await h.InvoiceAsync(await h.ClientAsync("Helios Solar Co"), "A-4", 5); // reminder-1 goes today
        await h.ChaseAndDeliverAsync();
        Assert.Single(h.Platform.Sent);

        h.Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-30T10:00:00Z")); // a Monday, 40 days late, 35 days later
        var summary = await h.ChaseAndDeliverAsync();

        Assert.Equal((0, 1), (summary.Reminders, summary.Proposals));
        var steps = (await h.StepsAsync(invoice.Id)).ToDictionary(s => s.Step, s => s.Outcome);
        // The missed reminders are not sent (nor recorded one by one): the invoice is now the case's, and its notice lists it.
        Assert.Equal([ChaseLadder.LateNotice, ChaseLadder.Reminder1], steps.Keys.Order());
        Assert.Equal(StepOutcome.Sent, steps[ChaseLadder.Reminder1]);
        Assert.Equal(StepOutcome.Proposed, steps[ChaseLadder.LateNotice]);
        // Service reduction (day 28) and the final notice (day 35) are due too, but wait for the late notice's decision.
        Assert.False(steps.ContainsKey(ChaseLadder.ServiceReduction));
        Assert.False(steps.ContainsKey(ChaseLadder.FinalNotice));
        Assert.Equal(2, h.Platform.Sent.Count);
        Assert.Contains("formal late notice for Helios Solar Co (USD 1,000.00 overdue on invoice A-4)", h.Platform.Sent[1].Content.Title);
    }
}
