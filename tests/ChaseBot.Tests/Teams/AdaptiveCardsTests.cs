using ChaseBot.Core.Delivery;
using ChaseBot.Core.Teams;

namespace ChaseBot.Tests.Teams;

public sealed class AdaptiveCardsTests
{
    [Theory]
    [InlineData(1, 200_000, 0)]
    [InlineData(3, 0, 200_000)]
    [InlineData(5_000, 50_000, 50_000)]
    public void Any_message_becomes_a_card_under_the_limit_however_long_its_parts(int lines, int artifact, int email)
    {
        var message = new ChatMessage
        {
            Title = "Huge",
            Lines = Enumerable.Range(0, lines).Select(i => $"line {i} " + new string('x', lines == 1 ? 100_000 : 40)).ToList(),
            Artifact = artifact > 0 ? new string('a', artifact) : null,
            Email = email > 0 ? new EmailDraft("ap@x.example", null, "Subject", new string('e', email)) : null,
        };

        var card = AdaptiveCards.Card(message);

        Assert.True(card.ToJsonString().Length <= 40 * 1024, $"{card.ToJsonString().Length} bytes");
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
    }

    [Fact]
    public void Buttons_are_Action_Execute_with_a_verb_and_the_value_and_Teams_owners_are_mentioned()
    {
        var card = AdaptiveCards.Card(new ChatMessage
        {
            Title = "Proposal", Mentions = ["teams:29:owner", "U0SLACK"],
            Actions = [new ChatAction("proposal.approve", "Approve", "12", "primary"), new ChatAction("proposal.reject", "Reject", "12", "danger")],
        });

        var approve = card["actions"]![0]!;
        Assert.Equal(("Action.Execute", "proposal.approve", "12", "positive"),
            (approve["type"]!.GetValue<string>(), approve["verb"]!.GetValue<string>(), approve["data"]!["value"]!.GetValue<string>(), approve["style"]!.GetValue<string>()));
        Assert.Equal("destructive", card["actions"]![1]!["style"]!.GetValue<string>());
        var mention = Assert.Single(card["msteams"]!["entities"]!.AsArray())!;
        Assert.Equal(("<at>owner1</at>", "29:owner"), (mention["text"]!.GetValue<string>(), mention["mentioned"]!["id"]!.GetValue<string>()));
    }
}
