using ChaseBot.Core.Delivery;
using Microsoft.Extensions.Time.Testing;

namespace ChaseBot.Tests.Slack;

/// <summary>
/// A channel has one post in flight, and the next goes a full interval after the previous one was answered: so the
/// platform, which counts a post when it arrives, never sees two closer than the interval however slow a post is.
/// </summary>
public sealed class ChannelPacerTests
{
    private readonly FakeTimeProvider _clock = new();
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Lets continuations that a release or a timer started run (on the thread pool) before the next look.</summary>
    private static Task Settle() => Task.Delay(50);

    [Fact]
    public async Task The_next_post_to_a_channel_waits_for_the_previous_answer_and_then_a_full_interval()
    {
        var pacer = new ChannelPacer(_clock, Interval);
        var first = await pacer.TurnAsync("C1", default);
        var second = pacer.TurnAsync("C1", default);

        _clock.Advance(TimeSpan.FromSeconds(5)); // a slow post: still not answered
        await Settle();
        Assert.False(second.IsCompleted);

        first.Dispose(); // answered now
        await Settle();
        _clock.Advance(Interval - TimeSpan.FromMilliseconds(1));
        await Settle();
        Assert.False(second.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await Settle();
        Assert.True(second.IsCompleted);
        (await second).Dispose();
    }

    [Fact]
    public async Task Other_channels_are_not_held_up_and_a_Retry_After_holds_only_its_own_channel()
    {
        var pacer = new ChannelPacer(_clock, Interval);
        var busy = await pacer.TurnAsync("C1", default);
        var other = pacer.TurnAsync("C2", default);
        await Settle();
        Assert.True(other.IsCompleted); // while C1's post is in flight

        using (var turn = await other)
            turn.Hold(TimeSpan.FromSeconds(30));
        busy.Dispose();
        var afterHold = pacer.TurnAsync("C2", default);
        var nextInC1 = pacer.TurnAsync("C1", default);
        _clock.Advance(Interval);
        await Settle();
        Assert.True(nextInC1.IsCompleted);
        Assert.False(afterHold.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(29));
        await Settle();
        Assert.True(afterHold.IsCompleted);
    }

    [Fact]
    public async Task A_wait_given_up_leaves_the_channel_free()
    {
        var pacer = new ChannelPacer(_clock, Interval);
        var first = await pacer.TurnAsync("C1", default);
        using var cancel = new CancellationTokenSource();
        var givenUp = pacer.TurnAsync("C1", cancel.Token);
        first.Dispose();
        await Settle();
        await cancel.CancelAsync(); // while waiting out the interval
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => givenUp);
        _clock.Advance(Interval);
        var next = pacer.TurnAsync("C1", default);
        await Settle();
        Assert.True(next.IsCompleted);
    }
}
