using System.Globalization;
using System.Text.RegularExpressions;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.LatePayment;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChaseBot.Tests.LatePayment;

/// <summary>
/// A UK business client's case replayed day by day with LatePayment:Enabled: the final notice offers the Act's interest
/// and compensation to date with the waiver, the approver saw the computation first, the client pays by the deadline,
/// and nothing is claimed afterwards.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class LatePaymentReplayTests : IDisposable
{
    private readonly ChaseHarness _h = new(configuration: new Dictionary<string, string?>
    {
        ["LatePayment:Enabled"] = "true",
        ["LatePayment:ReferenceRates:UK:2026-H2"] = "4.00",
    });

    private readonly List<(DateOnly Day, OutboxMessage Message, ChatMessage Content)> _sent = [];

    public void Dispose() => _h.Dispose();

    private async Task DayAsync()
    {
        var today = _h.Today;
        var waiting = await _h.QueryAsync(db => db.Proposals.Where(p => p.Status == ProposalStatus.Pending && p.ProposedOn < today).Select(p => p.Id).ToListAsync());
        foreach (var id in waiting)
            await _h.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve);
        await _h.Runner.RunAsync();
        var before = _h.Platform.Sent.Count;
        await _h.Drainer.DrainAsync();
        foreach (var (message, content) in _h.Platform.Sent.Skip(before))
        {
            _sent.Add((today, message, content));
            foreach (var draft in content.Actions.Where(a => a.Id == ClientContacts.MarkSentAction))
                await _h.Commands().MarkDraftSentAsync(draft.Value, new CommandContext("alice", "slack"));
        }
        _h.Clock.Advance(TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task The_final_notice_offers_the_Acts_charges_with_the_waiver_and_a_payment_by_the_deadline_ends_them()
    {
        var thames = await _h.ClientAsync("Thames Joinery Ltd");
        await _h.InvoiceAsync(thames, "TJ-101", 40, 4500m, i => i.Currency = "GBP");
        Assert.StartsWith("Thames Joinery Ltd: jurisdiction UK: late payment between businesses is governed by the Late Payment of Commercial Debts (Interest) Act 1998",
            await _h.SayAsync("client Thames jurisdiction UK", "alice"));

        DateOnly? payBy = null;
        for (var day = 0; day < 60; day++)
        {
            if (payBy is { } deadline && _h.Today == deadline.AddDays(-2))
                Assert.StartsWith("Logged GBP 4,500.00 paid", await _h.SayAsync("paid TJ-101 4500", "alice")); // two days before the deadline
            await DayAsync();
            if (payBy is null && _sent.FirstOrDefault(s => s.Message.Kind == OutboxKinds.Artifact && s.Content.Artifact?.Contains("Final notice") == true) is { Content: { } approved })
                payBy = DateOnly.ParseExact(Regex.Match(approved.Artifact!, @"pay the total overdue in full by (?<d>\d+ \w+ \d{4})").Groups["d"].Value, "d MMMM yyyy", CultureInfo.InvariantCulture);
        }

        // The approver saw the figure and how it was worked out before approving.
        var card = Assert.Single(_sent, s => s.Message.Kind == OutboxKinds.Proposal && s.Content.Title.Contains("final notice", StringComparison.Ordinal));
        var offered = Assert.Single(card.Content.Lines, l => l.StartsWith("Late-payment charges the text offers: Under the Late Payment of Commercial Debts (Interest) Act 1998", StringComparison.Ordinal));
        Assert.Contains(card.Content.Lines, l => Regex.IsMatch(l, @"^  TJ-101: \d+ days on 4,500\.00 at 12% = [\d.]+$"));

        // The notice as it went: the interest to the day it was approved, the Act's £70, the total, and the waiver by its own date.
        var notice = Assert.Single(_sent, s => s.Message.Kind == OutboxKinds.Artifact && s.Content.Artifact!.Contains("Final notice", StringComparison.Ordinal));
        var interest = new LateCharges(Options.Create(new LatePaymentOptions { ReferenceRates = new() { ["UK"] = new() { ["2026-H2"] = 4.00m } } }), NullLogger<LateCharges>.Instance)
            .Compute(new InvoiceDebt("TJ-101", "GBP", 4500m, new DateOnly(2026, 10, 14), []), LateCharges.BasisFor(new Client { Name = thames.Name, NormalizedName = thames.NormalizedName, Jurisdiction = "UK" }), notice.Day).Interest!.Value;
        Assert.Contains($"Under the Late Payment of Commercial Debts (Interest) Act 1998, you may be charged GBP {interest:N2} in interest to {CaseHistory.Long(notice.Day)} " +
                        $"and GBP 70.00 in compensation (GBP {interest + 70:N2} in all); interest continues to run until payment. " +
                        $"We will waive these charges if the total overdue is paid by {CaseHistory.Long(payBy!.Value)}.", notice.Content.Artifact);
        Assert.Contains(offered["Late-payment charges the text offers: ".Length..], card.Content.Artifact); // the card's line is its text's paragraph

        // Paid by the deadline: thanked, and nothing after it speaks of interest or compensation.
        var after = _sent.Where(s => s.Day >= payBy!.Value.AddDays(-2)).ToList();
        Assert.Contains(after, s => s.Content.Artifact?.Contains("Subject: Thank you — invoice TJ-101 paid in full", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(after, s => (s.Content.Artifact + string.Join(" ", s.Content.Lines) + s.Content.Email?.Body).Contains("interest", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(_sent, s => s.Message.Kind == OutboxKinds.Proposal && s.Content.Title.Contains("hand-off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Charges_an_approver_claimed_are_listed_apart_in_the_thank_you_when_the_client_pays_late()
    {
        var thames = await _h.ClientAsync("Thames Joinery Ltd");
        await _h.InvoiceAsync(thames, "TJ-101", 40, 4500m, i => i.Currency = "GBP");
        await _h.SayAsync("client Thames jurisdiction UK", "alice");
        Assert.StartsWith("No final notice has gone to Thames Joinery Ltd", await _h.SayAsync("interest Thames claim", "alice"));

        DateOnly? payBy = null;
        for (var day = 0; day < 60 && !_sent.Any(s => s.Content.Artifact?.Contains("Subject: Thank you") == true); day++)
        {
            if (payBy is { } deadline && _h.Today == deadline.AddDays(3))
            {
                Assert.StartsWith("Claimed: the late-payment charges on Thames Joinery Ltd's overdue invoices.", await _h.SayAsync("interest Thames claim", "alice"));
                Assert.StartsWith("Logged GBP 4,500.00 paid", await _h.SayAsync("paid TJ-101 4500", "alice")); // three days late
            }
            await DayAsync();
            if (payBy is null && _sent.FirstOrDefault(s => s.Message.Kind == OutboxKinds.Artifact && s.Content.Artifact?.Contains("Final notice") == true) is { Content: { } approved })
                payBy = DateOnly.ParseExact(Regex.Match(approved.Artifact!, @"pay the total overdue in full by (?<d>\d+ \w+ \d{4})").Groups["d"].Value, "d MMMM yyyy", CultureInfo.InvariantCulture);
        }

        var paidOn = payBy!.Value.AddDays(3);
        var thanks = Assert.Single(_sent, s => s.Content.Artifact?.Contains("Subject: Thank you — invoice TJ-101 paid in full", StringComparison.Ordinal) == true);
        // Interest from 15 Oct until the payment lowered the principal to nothing (the day before it): 4,500 × 12% × days ÷ 365, and the Act's £70.
        var days = paidOn.DayNumber - new DateOnly(2026, 10, 14).DayNumber - 1;
        var interest = Math.Round(4500m * 0.12m * days / 365, 2, MidpointRounding.AwayFromZero);
        Assert.Contains($"Separately from this receipt, the late-payment charges under the Late Payment of Commercial Debts (Interest) Act 1998 that we claimed " +
                        $"remain due: GBP {interest:N2} in interest to {CaseHistory.Long(paidOn)} and GBP 70.00 in compensation.", thanks.Content.Artifact);
    }
}
