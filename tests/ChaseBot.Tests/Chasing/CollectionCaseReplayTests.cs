using ChaseBot.Core.Commands;
using System.Text.RegularExpressions;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Chasing;

/// <summary>
/// The 45-day run that once produced texts that would end a client relationship, replayed day by day on a real SQLite
/// ledger with a fake clock: the chase runs every morning, every proposal is approved the next day, and payments and
/// disputes are logged through /chase as a person would. Each test reads what the clients would have been sent.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class CollectionCaseReplayTests
{
    private sealed record Sent(DateOnly Day, string Client, string Kind, string Title, string Text);

    private sealed class Replay : IDisposable
    {
        public ChaseHarness H { get; } = new(); // Monday 23 Nov 2026, 10:00 UTC
        public List<Sent> Messages { get; } = [];
        public List<string> Refusals { get; } = [];
        /// <summary>What /chase answered the person who logged something.</summary>
        public List<string> Said { get; } = [];

        public async Task SayAsync(string command) => Said.Add(await H.SayAsync(command, "UAPPROVER"));
        /// <summary>Per day, per client and currency, how many proposals were waiting after the run.</summary>
        public List<(DateOnly Day, long Case, int Waiting)> Waiting { get; } = [];
        public Dictionary<int, Func<Replay, Task>> Events { get; } = [];
        public void Dispose() => H.Dispose();

        public async Task<Invoice> InvoiceAsync(string client, string number, int daysLate, decimal amount, Action<Client>? clauses = null)
        {
            var existing = await H.QueryAsync(db => db.Clients.SingleOrDefaultAsync(c => c.Name == client));
            return await H.InvoiceAsync(existing ?? await H.ClientAsync(client, clauses), number, daysLate, amount);
        }

        public async Task RunAsync(int days)
        {
            for (var day = 0; day < days; day++)
            {
                if (Events.TryGetValue(day, out var happen))
                    await happen(this);
                // Yesterday's proposals are approved this morning, before the chase runs.
                var today = H.Today;
                var waiting = await H.QueryAsync(db => db.Proposals.Where(p => p.Status == ProposalStatus.Pending && p.ProposedOn < today)
                    .Select(p => p.Id).ToListAsync());
                foreach (var id in waiting)
                    if (await H.Decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve) is { Accepted: false } refused)
                        Refusals.Add(refused.Message);
                await H.Runner.RunAsync();
                var before = H.Platform.Sent.Count;
                await H.Drainer.DrainAsync();
                foreach (var (message, content) in H.Platform.Sent.Skip(before))
                {
                    Messages.Add(new Sent(today, ClientOf(content.Title), message.Kind, content.Title, content.Artifact ?? ""));
                    // The person chasing sends each draft as it comes, and says so.
                    foreach (var draft in content.Actions.Where(a => a.Id == ClientContacts.MarkSentAction))
                        await H.Commands().MarkDraftSentAsync(draft.Value, new Core.Commands.CommandContext("UAPPROVER", "slack"));
                }
                Waiting.AddRange((await H.QueryAsync(db => db.Proposals.Where(p => p.Status == ProposalStatus.Pending && p.CaseId != null)
                        .GroupBy(p => p.CaseId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToListAsync()))
                    .Select(g => (today, g.Key, g.Count)));
                H.Clock.Advance(TimeSpan.FromDays(1));
            }
        }

        private static string ClientOf(string title) =>
            Regex.Match(title, @" for (?<client>[^(]+?) \(").Groups["client"] is { Success: true } g ? g.Value : title;

        public IEnumerable<Sent> Approved(string client) => Messages.Where(m => m.Kind == "artifact" && m.Client == client);
    }

    /// <summary>The samples' shape: a client owing in two invoices and one not yet due, one with every clause, small ones.</summary>
    private static async Task<Replay> StartAsync()
    {
        var r = new Replay();
        await r.InvoiceAsync("Blue Ridge Outfitters", "1001", 50, 4500m);
        await r.InvoiceAsync("Blue Ridge Outfitters", "1004", 22, 12750m);
        await r.InvoiceAsync("Blue Ridge Outfitters", "1007", -14, 236000m);
        await r.InvoiceAsync("Helios Solar Co", "A-4", 70, 950m,
            c => c.Clauses = new ContractClauses { PermitsServiceChanges = true, OwnedUntilPaid = true });
        await r.InvoiceAsync("Tui Print & Design", "INV-0102", 25, 650m);
        await r.InvoiceAsync("Oakleaf Bakery", "0031", 30, 1350m);
        r.Events[1] = async x =>
        {
            await x.SayAsync("paid INV-0102 650"); // while its late notice waits for a decision
            await x.SayAsync("dispute 0031 the amount is wrong");
            // An approver who had the card open clicks Approve anyway.
            var tui = await x.H.QueryAsync(db => db.Proposals.SingleAsync(p => p.Invoice.Number == "INV-0102"));
            x.Refusals.Add((await x.H.Decisions.DecideAsync(tui.Id, new Actor("slack", "alice"), Verdict.Approve)).Message);
        };
        r.Events[10] = x => x.SayAsync("resolve 0031 credit note agreed");
        r.Events[40] = x => x.SayAsync("paid A-4"); // Helios pays after its suspension
        await r.RunAsync(45);
        return r;
    }

    [Fact]
    public async Task Every_approved_text_has_its_amounts_and_nothing_settled_or_disputed_is_approved()
    {
        using var r = await StartAsync();

        var approved = r.Messages.Where(m => m.Kind == "artifact").ToList();
        Assert.NotEmpty(approved);
        foreach (var text in approved.Where(m => m.Text.Contains("Total overdue", StringComparison.Ordinal)))
            Assert.Matches(@"Total overdue: [A-Z]{3} [\d,]+\.\d\d\n", text.Text);
        Assert.DoesNotContain(approved, m => m.Text.Contains(" overdue\n\n", StringComparison.Ordinal) && m.Text.Contains("—  ", StringComparison.Ordinal));
        Assert.Empty(r.Approved("Tui Print & Design")); // paid while its notice waited: withdrawn, never approved
        Assert.Contains(r.Said, m => m.Contains("Withdrawn: the formal late notice for Tui Print & Design (proposal", StringComparison.Ordinal) &&
                                     m.Contains("because INV-0102 was paid in full on 24 Nov 2026. Nothing was sent.", StringComparison.Ordinal));
        Assert.Contains(r.Said, m => m.Contains("because 0031 is disputed (the amount is wrong)", StringComparison.Ordinal));
        Assert.Matches(@"^Proposal \d+ was withdrawn, because INV-0102 was paid in full on 24 Nov 2026\. Nothing was sent\.$",
            Assert.Single(r.Refusals, m => m.Contains("INV-0102", StringComparison.Ordinal)));
        // Oakleaf's notice came back once the dispute was resolved, with the figures of that day.
        var oakleaf = Assert.Single(r.Approved("Oakleaf Bakery"), m => m.Title.Contains("formal late notice", StringComparison.Ordinal));
        Assert.True(oakleaf.Day > r.H.Today.AddDays(-45 + 10));
        Assert.Contains(r.Messages, m => m.Kind == "proposal" && m.Title.StartsWith("Proposal, updated: formal late notice for Oakleaf Bakery", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_rung_comes_before_the_date_the_client_was_given_and_the_grace_days()
    {
        using var r = await StartAsync();

        var proposals = await r.H.QueryAsync(db => db.Proposals.Include(p => p.Invoice).ThenInclude(i => i.Client).OrderBy(p => p.Id).ToListAsync());
        foreach (var byCase in proposals.Where(p => p.CaseId is not null).GroupBy(p => p.CaseId))
        {
            var ordered = byCase.OrderBy(p => p.Id).ToList();
            for (var i = 1; i < ordered.Count; i++)
                foreach (var earlier in ordered.Take(i).Where(p => p.Status == ProposalStatus.Approved))
                    if (r.H.Settings.Ladder.ClientDeadline(earlier.Step, earlier.DecidedOn!.Value) is { } given)
                        Assert.True(ordered[i].ProposedOn >= given.AddDays(r.H.Settings.GraceDays),
                            $"{ordered[i].Step} for {ordered[i].Invoice.Client.Name} proposed {ordered[i].ProposedOn} before {earlier.Step}'s date {given} and the grace days");
        }
        var helios = proposals.Where(p => p.Invoice.Client.Name == "Helios Solar Co").Select(p => p.Step).ToList();
        Assert.Equal([ChaseLadder.LateNotice, ChaseLadder.ServiceReduction, ChaseLadder.FinalNotice, ChaseLadder.Suspension, ChaseLadder.RestoreAccess], helios);
    }

    [Fact]
    public async Task A_client_is_asked_one_thing_at_a_time_and_gets_one_notice_a_day_listing_every_overdue_invoice()
    {
        using var r = await StartAsync();

        Assert.All(r.Waiting, w => Assert.True(w.Waiting <= 1, $"case {w.Case} had {w.Waiting} proposals waiting on {w.Day}"));
        foreach (var byClientDay in r.Messages.Where(m => m.Kind == "artifact").GroupBy(m => (m.Client, m.Day)))
            Assert.Single(byClientDay);
        var blueRidge = r.Approved("Blue Ridge Outfitters").ToList();
        Assert.Equal(1, await r.H.QueryAsync(db => db.Cases.CountAsync(c => c.Client.Name == "Blue Ridge Outfitters")));
        var lateNotice = Assert.Single(blueRidge, m => m.Title.Contains("formal late notice", StringComparison.Ordinal));
        Assert.Contains("• 1001: USD 4,500.00", lateNotice.Text);
        Assert.Contains("• 1004: USD 12,750.00", lateNotice.Text);
        Assert.Contains("Total overdue: USD 17,250.00\n", lateNotice.Text);
        // 1007 was not due at the late notice: listed apart, never in the overdue total, never "-14 days late".
        Assert.Contains("Also coming due (not overdue yet, not part of the total):\n  • 1007: USD 236,000.00", lateNotice.Text);
        Assert.DoesNotMatch(@"-\d+ days? late", string.Join("\n", r.Messages.Select(m => m.Text)));
        // By the final notice 1007 was overdue too: it joined the case instead of starting a second ladder. Nothing had
        // reached the client since it fell due, so it is "also now due", outside the total the notice's consequence is about.
        var finalNotice = Assert.Single(blueRidge, m => m.Title.Contains("final notice", StringComparison.Ordinal));
        Assert.Contains("Total overdue: USD 17,250.00\n", finalNotice.Text);
        Assert.Contains("Also now due (not part of this notice; please include it in your payment if you can):\n  • 1007: USD 236,000.00", finalNotice.Text);
        Assert.DoesNotContain(r.Messages, m => m.Kind == "proposal" && m.Title.Contains("formal late notice for Blue Ridge", StringComparison.Ordinal) &&
                                               m.Day > lateNotice.Day);
    }

    [Fact]
    public async Task History_and_threats_are_said_only_where_the_ledger_and_the_contract_have_them()
    {
        using var r = await StartAsync();

        var all = string.Join("\n", r.Messages.Select(m => m.Text));
        Assert.DoesNotContain("Despite our reminders", all);
        foreach (var text in r.Messages.Where(m => m.Kind == "artifact"))
            foreach (Match follows in Regex.Matches(text.Text, @"our formal notice of (\d+ \w+ \d{4})"))
            {
                var on = DateOnly.ParseExact(follows.Groups[1].Value, "d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
                var sent = await r.H.QueryAsync(db => db.ClientContacts.Where(c => c.Step == ChaseLadder.LateNotice &&
                    db.Clients.Any(k => k.Id == c.ClientId && k.Name == text.Client)).Select(c => c.At).ToListAsync());
                Assert.True(sent.Any(at => DateOnly.FromDateTime(at) == on), $"{text.Client}'s text claims a formal notice of {on} that did not reach them that day");
            }
        // Blue Ridge's contract records no clause: no suspension threatened or proposed, no removal, no "restores service".
        var blueRidge = string.Join("\n", r.Approved("Blue Ridge Outfitters").Select(m => m.Text));
        Assert.DoesNotContain("suspend", blueRidge, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("will be removed", blueRidge);
        Assert.DoesNotContain("Reactivation", blueRidge);
        Assert.Contains(r.Messages, m => m.Kind == "guard-note" && m.Title == "Not proposed: suspend access for Blue Ridge Outfitters");
        // Helios's does: its final notice names the suspension, as the agreement allows.
        Assert.Contains("we may suspend access to the services we provide from",
            Assert.Single(r.Approved("Helios Solar Co"), m => m.Title.Contains("final notice", StringComparison.Ordinal)).Text);
        Assert.Contains("This follows our formal notice of", Assert.Single(r.Approved("Helios Solar Co"), m => m.Title.Contains("final notice", StringComparison.Ordinal)).Text);
    }

    [Fact]
    public async Task A_suspended_client_who_pays_gets_access_restored_and_every_client_who_settles_gets_a_receipt()
    {
        using var r = await StartAsync();

        var restore = Assert.Single(r.Messages, m => m.Kind == "proposal" && m.Title.StartsWith("Proposal: restore access for Helios Solar Co", StringComparison.Ordinal));
        Assert.Contains("Take down the outage page", restore.Text);
        Assert.Contains("Subject: Access restored — thank you for your payment", restore.Text);
        Assert.Contains("USD 950.00", restore.Text);
        Assert.Contains(r.Messages, m => m.Kind == "artifact" && m.Title.StartsWith("Approved: restore access for Helios Solar Co", StringComparison.Ordinal));
        var receipts = r.Messages.Where(m => m.Kind == "receipt").ToList();
        Assert.Contains(receipts, m => m.Title == "Paid: Helios Solar Co settled 1 chased invoice" && m.Text.Contains("• A-4: USD 950.00, paid", StringComparison.Ordinal));
        Assert.Contains(receipts, m => m.Title == "Paid: Tui Print & Design settled 1 chased invoice");
        Assert.DoesNotContain(receipts, m => m.Title.Contains("Blue Ridge", StringComparison.Ordinal)); // it has not paid
        Assert.NotNull(await r.H.QueryAsync(db => db.Cases.Where(c => c.Client.Name == "Helios Solar Co").Select(c => c.ClosedOn).SingleAsync()));
    }

    [Fact]
    public async Task A_long_unchased_ledger_gets_at_most_the_configured_new_proposals_a_run_largest_first_and_says_how_many_wait()
    {
        using var h = new ChaseHarness(configure: o => o.MaxNewProposalsPerRun = 3);
        for (var i = 1; i <= 8; i++)
            await h.InvoiceAsync(await h.ClientAsync($"Client {i}"), $"C-{i}", 30 + i, 100m * i);

        var first = await h.ChaseAndDeliverAsync();
        var plan = await h.Runner.PlanAsync();

        Assert.Equal((3, 5), (first.Proposals, first.Waiting));
        var proposed = h.Platform.Sent.Where(s => s.Message.Kind == "proposal").Select(s => s.Content.Title).ToList();
        Assert.Equal(["Client 8", "Client 7", "Client 6"], proposed.Select(t => Regex.Match(t, "for (Client \\d)").Groups[1].Value));
        var held = plan.Where(e => e.Step == ChaseLadder.LateNotice).ToList();
        Assert.Equal(3, held.Count(e => e.Kind == "proposal")); // the next three in line
        Assert.Equal(2, held.Count(e => e.Reason.StartsWith("waiting its turn: at most 3 new proposals a run", StringComparison.Ordinal)));
        Assert.True(await h.Digest.PostScheduledAsync());
        await h.Drainer.DrainAsync();
        var digest = string.Join("\n", h.Platform.Sent.Single(s => s.Message.Kind == "digest").Content.Lines);
        Assert.Contains("*Waiting for a decision* (3)", digest);
        Assert.Contains("5 more clients are due a proposal not posted yet: 3 in the next run, 2 after it. A run proposes at most 3 new ones", digest);
        Assert.Equal(3, (await h.ChaseAndDeliverAsync()).Proposals);
    }
}
