using ChaseBot.Core.Commands;
using ChaseBot.Tests.Chasing;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Commands;

/// <summary>Who did something is written one way, whatever the surface: "slack:U1", "teams:29:…" (never "teams:teams:…"), "cli:alice".</summary>
public sealed class ActorTests
{
    [Theory]
    [InlineData("U0123", "slack", "slack:U0123")]
    [InlineData("teams:29:1a2b", "teams", "teams:29:1a2b")]
    [InlineData("alice", "cli", "cli:alice")]
    public void An_actor_names_its_platform_once(string user, string platform, string written) =>
        Assert.Equal(written, new CommandContext(user, platform).Actor.ToString());

    [Fact]
    public async Task A_dispute_logged_from_Teams_is_kept_and_audited_under_the_Teams_user_once()
    {
        using var h = new ChaseHarness(configure: o => o.Approvers = ["teams:29:ana"]);
        var client = await h.ClientAsync("Kauri Digital Ltd");
        await h.InvoiceAsync(client, "INV-0101", daysLate: 10);

        var reply = await h.Commands(new ChatOptions { Collectors = ["teams:29:ana"] })
            .HandleAsync("dispute INV-0101 wrong amount", new CommandContext("teams:29:ana", "teams"));

        Assert.Equal(CommandOutcome.Done, reply.Outcome);
        Assert.Equal("teams:29:ana", await h.QueryAsync(db => db.Disputes.Select(d => d.OpenedBy).SingleAsync()));
        Assert.Equal("teams:29:ana", await h.QueryAsync(db => db.AuditEntries.Where(a => a.Action == "dispute.opened").Select(a => a.Actor).SingleAsync()));
    }
}
