using ChaseBot.Core.Commands;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Chasing;

/// <summary>A void or write-off is not silent: the channel is told, the case closes as written off, and the owner gets a private word.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class WriteOffTests : IDisposable
{
    private readonly ChaseHarness _h = new(configure: o => o.DefaultOwner = "U0OWNER"); // Monday 23 Nov 2026

    public void Dispose() => _h.Dispose();

    private Task VoidAsync(string number) =>
        _h.QueryAsync(db => db.Invoices.Where(i => i.Number == number).ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, InvoiceStatus.Void)));

    [Fact]
    public async Task A_voided_invoice_that_was_chased_is_said_in_the_channel_and_to_the_owner_once()
    {
        var quill = await _h.ClientAsync("Quill Stationers");
        await _h.InvoiceAsync(quill, "Q-1", 10, 500m);
        await _h.InvoiceAsync(quill, "Q-2", 4, 800m);
        await _h.ChaseAndDeliverAsync();

        await VoidAsync("Q-1");
        _h.Clock.Advance(TimeSpan.FromHours(1));
        await _h.ChaseAndDeliverAsync();
        _h.Clock.Advance(TimeSpan.FromHours(1));
        await _h.ChaseAndDeliverAsync();

        var note = Assert.Single(_h.Platform.Sent, s => s.Message.Kind == OutboxKinds.WrittenOff).Content;
        Assert.Equal("Written off: Q-1 (Quill Stationers, USD 500.00) was voided in the books", note.Title);
        Assert.Contains("Its chase has stopped. Quill Stationers still owes USD 800.00 on 1 overdue invoice, and chasing goes on for it.", note.Lines);
        var checkIn = Assert.Single(_h.Platform.Sent, s => s.Message.Kind == OutboxKinds.WriteOffCheckIn);
        Assert.Equal(("U0OWNER", Audience.Direct), (checkIn.Message.Target, checkIn.Message.Audience));
        Assert.Contains(checkIn.Content.Lines, l => l.Contains("the scope agreed in writing", StringComparison.Ordinal) &&
                                                    l.Contains("milestone payments", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_case_whose_invoices_were_voided_closes_as_written_off_with_its_timeline_kept()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Pine & Co Joinery"), "P-1", 25, 2000m);
        await _h.ChaseAndDeliverAsync(); // the late notice is proposed
        var id = await _h.QueryAsync(db => db.Proposals.Select(p => p.Id).SingleAsync());
        Assert.True((await _h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve)).Accepted);

        await VoidAsync("P-1");
        _h.Clock.Advance(TimeSpan.FromDays(1));
        await _h.ChaseAndDeliverAsync();

        var closed = await _h.QueryAsync(db => db.Cases.SingleAsync());
        Assert.Equal(("written off", _h.Today), (closed.ClosedReason, closed.ClosedOn));
        Assert.Equal("Written off: P-1 (Pine & Co Joinery, USD 2,000.00) was voided in the books",
            Assert.Single(_h.Platform.Sent, s => s.Message.Kind == OutboxKinds.WrittenOff).Content.Title);
        Assert.Equal(1, await _h.QueryAsync(db => db.Proposals.CountAsync(p => p.CaseId == closed.Id && p.Status == ProposalStatus.Approved)));
    }
}
