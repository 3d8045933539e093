using ChaseBot.Core.Slack;
using ChaseBot.Tests.Chasing;

namespace ChaseBot.Tests.Slack;

/// <summary>Slack's markup is read in the Slack module, into the plain words and resolved ids the one grammar reads.</summary>
public sealed class SlackMarkupTests
{
    [Fact]
    public void Mentions_channels_and_linked_addresses_become_plain_words_and_the_ids_slack_resolved_are_references()
    {
        var (text, references) = SlackMarkup.Read("client \"Kauri\" owner <@U0ABC123|ana> channel <#C0CHAN1|kauri> cc <mailto:ap@kauri.example|ap@kauri.example>");

        Assert.Equal("client \"Kauri\" owner U0ABC123 channel C0CHAN1 cc ap@kauri.example", text);
        Assert.Equal(["C0CHAN1", "U0ABC123"], references.Order());
    }

    [Fact]
    public async Task A_channel_id_typed_by_hand_is_not_taken_for_a_channel_only_one_slack_resolved_is()
    {
        using var h = new ChaseHarness();
        await h.ClientAsync("Kauri Digital Ltd");

        var typed = await h.SayAsync("client Kauri Digital Ltd channel C0CHAN1");
        var picked = await h.SayAsync("client Kauri Digital Ltd channel <#C0CHAN1|kauri>");

        Assert.DoesNotContain("channel C0CHAN1.", typed);
        Assert.Equal("Kauri Digital Ltd: channel C0CHAN1.", picked);
    }
}
