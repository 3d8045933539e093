using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Chasing;

/// <summary>Money is acknowledged: a part-payment is thanked in the next text, and a thank-you says the chase has stopped only when it has.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class PaymentAcknowledgementTests : IDisposable
{
    private readonly ChaseHarness _h = new(configure: o => o.DefaultOwner = "U0OWNER"); // Monday 23 Nov 2026

    public void Dispose() => _h.Dispose();

    private IEnumerable<ChatMessage> Sent(string kind) => _h.Platform.Sent.Where(s => s.Message.Kind == kind).Select(s => s.Content);

    [Fact]
    public async Task A_part_payment_is_thanked_with_its_amount_and_date_in_the_next_text_and_only_until_a_text_reaches_the_client()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Quill Stationers"), "Q-1", 5, 3000m);
        Assert.StartsWith("Logged USD 1,000.00 paid on 23 Nov for Q-1", await _h.SayAsync("paid Q-1 1000", "UAPPROVER"));
        _h.Clock.Advance(TimeSpan.FromDays(2)); // 7 days late: the second reminder

        await _h.ChaseAndDeliverAsync();

        var body = Sent(OutboxKinds.Reminder).Single().Email!.Body;
        Assert.Contains("Hello Quill Stationers,\n\nThank you for your payment of USD 1,000.00 on 23 November 2026 towards invoice Q-1; USD 2,000.00 remains due.\n\n", body);
        // Once a message has reached them (here: the draft marked as sent), that payment has been thanked for.
        await _h.SayAsync("sent quill", "UAPPROVER");
        _h.Clock.Advance(TimeSpan.FromDays(7));
        await _h.ChaseAndDeliverAsync();
        Assert.DoesNotContain("Thank you for your payment", Sent(OutboxKinds.Reminder).Last().Email!.Body);
    }

    [Fact]
    public async Task A_thank_you_says_the_chase_has_stopped_only_when_nothing_else_of_the_client_is_overdue()
    {
        var quill = await _h.ClientAsync("Quill Stationers");
        await _h.InvoiceAsync(quill, "Q-1", 10, 500m);
        await _h.InvoiceAsync(quill, "Q-2", 4, 800m);
        await _h.ChaseAndDeliverAsync();

        await _h.SayAsync("paid Q-1", "UAPPROVER");
        _h.Clock.Advance(TimeSpan.FromHours(1));
        await _h.ChaseAndDeliverAsync();

        var receipt = Sent(OutboxKinds.Receipt).Single();
        Assert.Equal("Quill Stationers still owes USD 800.00 on 1 overdue invoice, and chasing goes on for it. A thank-you and receipt you can send:",
            receipt.Lines.Single());
        Assert.Contains("This invoice remains overdue:\n  • Q-2: USD 800.00, due 19 November 2026", receipt.Artifact);
        var thanks = Sent(OutboxKinds.Thanks).Single();
        Assert.Equal("That one is done. Well done. 1 other invoice of Quill Stationers' is still overdue, and chasing goes on for it.", thanks.Lines.Single());
        Assert.DoesNotContain("stopped", thanks.Lines.Single());

        await _h.SayAsync("paid Q-2", "UAPPROVER");
        _h.Clock.Advance(TimeSpan.FromHours(1));
        await _h.ChaseAndDeliverAsync();
        Assert.Equal("Quill Stationers has nothing overdue now, so the chase has stopped. A thank-you and receipt you can send:",
            Sent(OutboxKinds.Receipt).Last().Lines.Single());
        Assert.DoesNotContain("remains overdue", Sent(OutboxKinds.Receipt).Last().Artifact);
    }

    [Fact]
    public async Task A_resolved_dispute_resumes_after_the_days_set_and_the_next_text_acknowledges_the_resolution()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Oakleaf Bakery"), "0031", 25, 1350m);
        await _h.SayAsync("dispute 0031 the amount is wrong", "UAPPROVER");
        Assert.Equal("Dispute on 0031 resolved. Chasing resumes on 30 Nov (Chase:ResumeAfterDisputeDays), and the next message to the client thanks them for resolving it.",
            await _h.SayAsync("resolve 0031 credit note agreed", "UAPPROVER"));

        _h.Clock.Advance(TimeSpan.FromDays(1));
        await _h.ChaseAndDeliverAsync();
        Assert.DoesNotContain(_h.Platform.Sent, s => s.Message.Kind == OutboxKinds.Proposal); // not the same run, nor the next day
        Assert.Contains(await _h.Runner.PlanAsync(), p => p.Reason == "0031 is resolved after a dispute; chasing resumes on 30 Nov");

        _h.Clock.Advance(TimeSpan.FromDays(6)); // Monday 30 November
        await _h.ChaseAndDeliverAsync();
        var notice = Sent(OutboxKinds.Proposal).Single().Artifact!;
        Assert.Contains("Dear Oakleaf Bakery,\n\nThank you for resolving your query about invoice 0031 with us.\n", notice);
    }

    [Fact]
    public async Task Disputes_promises_and_resolutions_hold_in_every_chunk_of_a_chase_over_many_clients()
    {
        // More clients than one chunk: the chase reads these once for the whole ledger (InvoiceEvents), not per chunk.
        for (var n = 0; n < ChaseSituations.ClientsPerChunk + 3; n++)
            await _h.InvoiceAsync(await _h.ClientAsync($"Client {n:D3}"), $"C-{n:D3}", 25, 500m);
        await _h.SayAsync("dispute C-001 the amount is wrong", "UAPPROVER");
        await _h.SayAsync("dispute C-201 the hours are wrong", "UAPPROVER");
        await _h.SayAsync("resolve C-201 credit note agreed", "UAPPROVER");
        await _h.SayAsync("dispute C-202 not delivered", "UAPPROVER");
        Assert.StartsWith("Promise recorded", await _h.SayAsync("promise C-200 2026-11-30", "UAPPROVER"));

        var plan = await _h.Runner.PlanAsync();

        string Of(string number) => string.Join(" | ", plan.Where(p => p.Invoices.Contains(number)).Select(p => p.Reason));
        Assert.Contains("disputed (the amount is wrong)", Of("C-001"));
        Assert.Contains("C-201 is resolved after a dispute; chasing resumes on 30 Nov", Of("C-201"));
        Assert.Contains("disputed (not delivered)", Of("C-202"));
        Assert.Contains("promised", Of("C-200"));
        Assert.DoesNotContain("disputed", Of("C-199"));
        Assert.DoesNotContain("promised", Of("C-199"));
    }

    [Fact]
    public async Task A_paused_clients_hold_reads_as_a_sentence()
    {
        var quill = await _h.ClientAsync("Quill Stationers", c => c.IsPaused = true);
        await _h.InvoiceAsync(quill, "Q-1", 25, 500m);

        var plan = await _h.Runner.PlanAsync();

        Assert.Contains(plan, p => p.Reason == "the client is paused");
        Assert.Equal("Q-1 is on hold: the client is paused", ChasePolicy.Held("Q-1", "the client is paused"));
        Assert.Equal("Q-1 is disputed (wrong hours) until resolved", ChasePolicy.Held("Q-1", "disputed (wrong hours) until resolved"));
        Assert.Equal("All of Quill Stationers' invoices are snoozed until 1 Dec.", await _h.SayAsync("snooze Quill 2026-12-01", "UAPPROVER"));
    }
}
