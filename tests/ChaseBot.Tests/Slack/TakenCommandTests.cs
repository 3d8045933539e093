using ChaseBot.Bot.Slack.SocketMode;

namespace ChaseBot.Tests.Slack;

/// <summary>
/// A command delivered again over Socket Mode is answered once, whichever of its two deliveries finishes first: the
/// race a loaded CI machine hit (the delivery again stopped waiting just before the first one's answer was ready, and
/// that answer then went only into an acknowledgement Slack had already shown it never got).
/// </summary>
public sealed class TakenCommandTests
{
    private static readonly byte[] Answer = "{\"text\":\"Logged NZD 100.00\"}"u8.ToArray();

    [Fact]
    public void Answered_before_the_delivery_again_stops_waiting_the_answer_goes_in_the_new_acknowledgement_only()
    {
        var taken = new TakenCommand();
        Assert.False(taken.Finish(Answer)); // nobody gave up on it: nothing to post
        Assert.True(taken.TryTake(out var answer));
        Assert.Same(Answer, answer);
    }

    [Fact]
    public void Answered_after_the_delivery_again_stopped_waiting_the_answer_goes_to_the_response_url()
    {
        var taken = new TakenCommand();
        Assert.False(taken.TryTake(out var answer)); // "Working on it…" in the new acknowledgement
        Assert.Null(answer);
        Assert.True(taken.Finish(Answer)); // so the first, once answered, posts it
    }

    [Fact]
    public void A_first_delivery_whose_answer_went_to_the_response_url_already_leaves_the_new_acknowledgement_empty()
    {
        var taken = new TakenCommand();
        taken.Finish(acknowledged: null);
        Assert.True(taken.TryTake(out var answer));
        Assert.Null(answer);
    }
}
