using System.Text.Json.Nodes;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Slack;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Slack;

/// <summary>The Home tab as each person would see it, from a ledger the real chase has worked on.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class HomeTabTests : IDisposable
{
    private readonly ChaseHarness _h = new(configure: o => o.MaxNewProposalsPerRun = 1000);

    public void Dispose() => _h.Dispose();

    /// <summary>Everyone may read and change the ledger unless lists are configured; here, only <paramref name="team"/> may.</summary>
    private ChatRoles Roles(params string[] team) => ChatRoles.From(new ChatOptions { Viewers = [.. team], Collectors = [.. team] }, _h.Settings.Approvers);

    private async Task<JsonArray> HomeAsync(string user, ChatRoles? roles = null, string? notice = null)
    {
        await using var db = _h.Db.Open();
        var overview = await HomeOverview.ForAsync(db, _h.Settings, roles ?? Roles(), user, _h.Today, figures: _h.Get<FiguresCache>());
        var view = BlockKit.Home(overview, _h.Settings.Ladder, notice);
        Assert.Equal("home", view["type"]!.GetValue<string>());
        var blocks = view["blocks"]!.AsArray();
        BlockKitRules.AssertValid(blocks, BlockKitRules.HomeLimit);
        return blocks;
    }

    private static List<string> Texts(JsonArray blocks) =>
        blocks.Select(b => b!["type"]!.GetValue<string>() switch
        {
            "context" => b["elements"]![0]!["text"]!.GetValue<string>(),
            "header" or "section" => b["text"]!["text"]!.GetValue<string>(),
            _ => "",
        }).ToList();

    private async Task SeedAsync()
    {
        var acme = await _h.ClientAsync("Acme Ltd", c => c.OwnerUserId = "alice");
        await _h.InvoiceAsync(acme, "A-1", 40, 3000m);
        await _h.InvoiceAsync(acme, "A-2", 35, 2000m);
        var bolt = await _h.ClientAsync("Bolt Co", c => c.OwnerUserId = "alice");
        await _h.InvoiceAsync(bolt, "B-1", 4, 450m);
        var other = await _h.ClientAsync("Other People Inc", c => c.OwnerUserId = "bob");
        await _h.InvoiceAsync(other, "O-1", 5, 99m);
        await _h.Runner.RunAsync();
    }

    [Fact]
    public async Task An_approver_sees_the_overdue_totals_the_proposals_to_decide_the_cases_and_their_own_reminders()
    {
        await SeedAsync();

        var blocks = await HomeAsync("alice");

        var texts = Texts(blocks);
        var table = texts.Single(t => t.StartsWith("```Currency", StringComparison.Ordinal));
        Assert.Matches(@"\nUSD +5,549\.00 +549\.00 +5,000\.00 +0\.00 +0\.00 +0\.00```$", table); // overdue, by age, not yet due
        Assert.Contains("*Waiting for your decision* (1)", texts);
        Assert.Contains("USD: DSO 54 days · CEI 0% over 30 days\nPromises: 0 kept, 0 broken · `report` on the command line for each client's record", texts);
        var proposal = await _h.QueryAsync(db => db.Proposals.SingleAsync());
        var waiting = texts.Single(t => t.StartsWith("*Formal late notice* for Acme Ltd", StringComparison.Ordinal));
        Assert.Equal("*Formal late notice* for Acme Ltd · USD 5,000.00 overdue on 2 invoices · proposed today", waiting);
        var buttons = blocks.Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray();
        Assert.Equal([ProposalActions.Approve, ProposalActions.Snooze, ProposalActions.Reject],
            buttons.Select(b => b!["action_id"]!.GetValue<string>()));
        Assert.All(buttons, b => Assert.Equal(proposal.Id.ToString(), b!["value"]!.GetValue<string>()));
        Assert.Contains(texts, t => t.StartsWith("*Acme Ltd (USD): USD 5,000.00 overdue on 2 invoices*\n", StringComparison.Ordinal) &&
                                    t.Contains("Waiting for a decision: formal late notice", StringComparison.Ordinal));
        var reminders = texts[texts.IndexOf("*Your reminders to send* (drafted in the last week, still unpaid)") + 1];
        Assert.Equal($"Bolt Co: first reminder on {_h.Today:d MMM yyyy} · USD 450.00 on B-1", reminders); // not bob's client

        // Once sent (here marked as sent), it is no longer one to send.
        Assert.StartsWith("Marked as sent: the first reminder to Bolt Co", await _h.SayAsync("sent bolt", "alice"));
        Assert.DoesNotContain(Texts(await HomeAsync("alice")), t => t.StartsWith("Bolt Co: first reminder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_totals_are_read_once_for_everyone_and_again_after_any_change_to_the_ledger()
    {
        await SeedAsync();
        static string Table(List<string> texts) => texts.Single(t => t.StartsWith("```Currency", StringComparison.Ordinal));
        var before = Table(Texts(await HomeAsync("alice")));
        Assert.Equal(before, Table(Texts(await HomeAsync("bob")))); // the same figures for everyone

        Assert.StartsWith("Logged", await _h.SayAsync("paid A-2 500", "alice"));

        // Not the answer kept from before: the payment is in the first open after it, for anyone.
        Assert.Matches(@"\nUSD +5,049\.00 +549\.00 +4,500\.00 +0\.00 +0\.00 +0\.00```$", Table(Texts(await HomeAsync("bob"))));
    }

    [Fact]
    public async Task A_Home_opened_while_its_figures_are_read_again_shows_those_before_saying_when_then_the_new_ones()
    {
        await SeedAsync();
        // A Home that never waits (Status:HomePatience 0): as on a large ledger, where reading them again takes a second.
        var figures = new FiguresCache(_h.Db.Factory, _h.Get<Core.Storage.LedgerChanges>(), _h.Clock, patience: TimeSpan.Zero);
        async Task<HomeOverview> OpenAsync()
        {
            await using var db = _h.Db.Open();
            return await HomeOverview.ForAsync(db, _h.Settings, Roles(), "alice", _h.Today, figures: figures);
        }
        string Table(HomeOverview home) =>
            Texts(BlockKit.Home(home, _h.Settings.Ladder, null)["blocks"]!.AsArray()).Single(t => t.StartsWith("```Currency", StringComparison.Ordinal));
        var first = await OpenAsync(); // nothing from before: read and shown
        Assert.Null(first.FiguresTrueAt);
        var readAt = _h.Clock.GetUtcNow();

        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.StartsWith("Logged", await _h.SayAsync("paid A-2 500", "alice"));
        var stoodIn = await OpenAsync();

        Assert.Equal(TimeZoneInfo.ConvertTime(readAt, _h.Settings.Calendar.Zone), stoodIn.FiguresTrueAt);
        Assert.Equal(Table(first), Table(stoodIn)); // before the payment, and saying so
        var texts = Texts(BlockKit.Home(stoodIn, _h.Settings.Ladder, null)["blocks"]!.AsArray());
        Assert.Contains($"These totals and figures are as of {stoodIn.FiguresTrueAt:HH:mm:ss}: the ledger changed a moment ago and is being read again. " +
                        "This tab shows the latest as soon as it is read.", texts);
        await stoodIn.FiguresUpToDate!;
        var now = await OpenAsync();
        Assert.Matches(@"\nUSD +5,049\.00 +549\.00 +4,500\.00 +0\.00 +0\.00 +0\.00```$", Table(now));
        if (!TestDatabase.OnPostgres) // the version may move with other tests' writes there
            Assert.Null(now.FiguresTrueAt);
    }

    [Fact]
    public async Task A_viewer_who_may_not_decide_sees_the_figures_without_any_buttons()
    {
        await SeedAsync();

        var blocks = await HomeAsync("bob");

        Assert.DoesNotContain(blocks, b => b!["type"]!.GetValue<string>() == "actions");
        var texts = Texts(blocks);
        Assert.DoesNotContain(texts, t => t.Contains("Waiting for your decision", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("Other People Inc: first reminder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Someone_outside_the_viewers_is_told_why_and_shown_no_figures()
    {
        await SeedAsync();

        var blocks = await HomeAsync("mallory", Roles("alice", "bob"));

        var texts = Texts(blocks);
        Assert.Contains("mallory may not read the ledger. Viewers are listed in Chat:Viewers.", texts);
        Assert.DoesNotContain(texts, t => t.Contains("USD", StringComparison.Ordinal) || t.Contains("Acme", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_nothing_overdue_each_part_says_so()
    {
        var blocks = await HomeAsync("alice");

        var texts = Texts(blocks);
        Assert.Contains("Nothing is overdue.", texts);
        Assert.Contains("Nothing is waiting for a decision.", texts);
        Assert.Contains("No client has a collection case open.", texts);
        Assert.Contains("None: no client you own was due a reminder this week.", texts);
    }

    [Fact]
    public async Task A_ledger_with_hundreds_of_proposals_fits_the_Home_largest_first_and_counts_the_rest()
    {
        await using (var db = _h.Db.Open())
        {
            for (var i = 0; i < 300; i++)
            {
                var client = new ChaseBot.Core.Ledger.Client { Name = $"Client {i:D3}", NormalizedName = $"client {i:D3}", OwnerUserId = "alice" };
                db.Clients.Add(client);
                db.Invoices.Add(new ChaseBot.Core.Ledger.Invoice
                {
                    Source = "test", Number = $"N-{i:D3}", Client = client, DueDate = _h.Today.AddDays(-40), Currency = "USD",
                    Total = 100m + i, AmountDue = 100m + i, Status = ChaseBot.Core.Ledger.InvoiceStatus.Open,
                });
            }
            await db.SaveChangesAsync();
        }
        await _h.Runner.RunAsync();

        var blocks = await HomeAsync("alice");

        var texts = Texts(blocks);
        var waiting = texts.Where(t => t.StartsWith("*Formal late notice* for ", StringComparison.Ordinal)).ToList();
        Assert.StartsWith("*Formal late notice* for Client 299 · USD 399.00", waiting[0]); // the largest first
        Assert.StartsWith("*Formal late notice* for Client 298 · USD 398.00", waiting[1]);
        Assert.Contains($"and {300 - waiting.Count} more — each has its card in the client's channel, and the digest lists them", texts);
        Assert.Contains("and 295 more — `/chase case <client>`", texts);
        Assert.StartsWith("*Client 299 (USD): USD 399.00 overdue", texts.First(t => t.StartsWith("*Client ", StringComparison.Ordinal)));
        Assert.True(waiting.Count >= 30, $"only {waiting.Count} proposals shown in {blocks.Count} blocks");
        Assert.Equal("None: no client you own was due a reminder this week.", texts[^1]); // the last part is still there
    }
}
