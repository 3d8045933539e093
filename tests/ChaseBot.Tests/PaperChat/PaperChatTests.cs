using ChaseBot.Core.Chasing;
using ChaseBot.Tests.Chasing;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.PaperChat;

/// <summary>
/// A platform added in one folder and one line takes commands, gets the chase's posts and decides proposals through
/// the same dispatcher as Slack and Teams, with the same roles, words and records.
/// </summary>
public sealed class PaperChatTests : IDisposable
{
    private readonly ChaseHarness _h = new(realPlatforms: true, configure: o => o.Approvers = ["paper:ana"], register: s => s.AddPaperChat(),
        configuration: new Dictionary<string, string?> { ["Chat:Viewers:0"] = "paper:bob", ["Chat:Collectors:0"] = "paper:cleo" });
    private PaperChat Paper => _h.Get<PaperChat>();

    public void Dispose() => _h.Dispose();

    private async Task<(string SheetId, PaperChat.Sheet Card)> ProposalOnPaperAsync()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd", c => (c.Channel, c.Clauses.PermitsServiceChanges) = ("paper:accounts", true)), "K-9", 25, 4600m);
        await _h.ChaseAndDeliverAsync();
        var (id, card) = Assert.Single(Paper.Sheets, s => s.Value.Buttons.Any(b => b.Id == ProposalActions.Approve));
        return (id, card);
    }

    [Fact]
    public async Task The_chase_posts_its_proposal_to_the_clients_paper_room_with_its_buttons()
    {
        var (_, card) = await ProposalOnPaperAsync();

        Assert.Equal("accounts", card.Room);
        Assert.Contains("Kauri Digital Ltd", card.Text);
        Assert.Contains(ChaseMessages.DecisionPending, card.Text);
        Assert.Contains(card.Buttons, b => b.Id == ProposalActions.Reject);
    }

    [Fact]
    public async Task Someone_who_is_not_an_approver_is_refused_and_the_buttons_stay()
    {
        var (sheet, _) = await ProposalOnPaperAsync();

        var said = await Paper.PressAsync("bob", sheet, ProposalActions.Approve);

        Assert.Contains("not an approver", said);
        Assert.NotEmpty(Paper.Sheets[sheet].Buttons);
        Assert.Equal(ProposalStatus.Pending, await _h.QueryAsync(db => db.Proposals.Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task An_approver_pressing_approve_decides_rewrites_the_card_and_the_approved_notice_follows_in_the_room()
    {
        var (sheet, _) = await ProposalOnPaperAsync();

        var said = await Paper.PressAsync("ana", sheet, ProposalActions.Approve, name: "Ana Ruiz");
        await _h.Drainer.DrainAsync();

        Assert.EndsWith("(approved by Ana Ruiz at 10:00 UTC on 23 Nov)", said);
        var card = Paper.Sheets[sheet];
        Assert.Empty(card.Buttons);
        Assert.DoesNotContain(ChaseMessages.DecisionPending, card.Text);
        Assert.EndsWith(said, card.Text);
        var proposal = await _h.QueryAsync(db => db.Proposals.SingleAsync());
        Assert.Equal((ProposalStatus.Approved, "paper:ana"), (proposal.Status, proposal.DecidedBy));
        Assert.Contains(Paper.Sheets.Values, s => s.Room == "accounts" && s.Text.Contains("Approved by Ana Ruiz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Commands_typed_on_paper_are_answered_with_the_same_roles_as_everywhere()
    {
        await ProposalOnPaperAsync();

        var status = await Paper.SayAsync("ana", "accounts", "status Kauri Digital Ltd");
        var refused = await Paper.SayAsync("bob", "accounts", "paid K-9");

        Assert.Contains("K-9", status);
        Assert.Contains("collector", refused, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Core.Ledger.InvoiceStatus.Open, await _h.QueryAsync(db => db.Invoices.Select(i => i.Status).SingleAsync()));
    }
}
