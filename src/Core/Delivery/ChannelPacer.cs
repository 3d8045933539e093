using System.Collections.Concurrent;

namespace ChaseBot.Core.Delivery;

/// <summary>
/// Slack accepts about one message per second per channel (Teams has its own pace). Each channel gets its own turns,
/// so posts to different channels never wait for each other, and a channel has one post in flight at a time: the
/// next goes a full interval after the previous one was answered. Slack counts a post when it arrives, and it
/// arrived before it was answered, so Slack never sees two closer than the interval, however long a post takes.
/// Turns are measured on the monotonic clock (TimeProvider timestamps), which a wall-clock change cannot bend.
/// </summary>
public sealed class ChannelPacer(TimeProvider clock, TimeSpan? interval = null)
{
    /// <summary>
    /// Slack's one second, and 1% for clocks that do not run at quite the same rate: at exactly one second a stand-in
    /// on the same machine, judging by the wall clock (which NTP slews), saw posts 0.3-0.5 ms too close.
    /// </summary>
    public static readonly TimeSpan SlackInterval = TimeSpan.FromSeconds(1.01);

    private readonly TimeProvider _clock = clock;
    private readonly long _interval = (long)((interval ?? SlackInterval).TotalSeconds * clock.TimestampFrequency);
    private readonly ConcurrentDictionary<string, ChannelTurns> _channels = new();

    /// <summary>One channel's state; <see cref="NextTurn"/> is only read or written by whoever holds <see cref="InFlight"/>.</summary>
    internal sealed class ChannelTurns
    {
        public readonly SemaphoreSlim InFlight = new(1, 1);
        public long NextTurn;
    }

    /// <summary>
    /// Waits for the channel's turn: its previous post answered, and the interval (or a Retry-After) passed since.
    /// The turn ends when it is disposed, which is when the post has been answered or has failed.
    /// </summary>
    public async Task<Turn> TurnAsync(string channel, CancellationToken cancellationToken)
    {
        var turns = _channels.GetOrAdd(channel, _ => new ChannelTurns());
        await turns.InFlight.WaitAsync(cancellationToken);
        try
        {
            var wait = turns.NextTurn - _clock.GetTimestamp();
            if (wait > 0)
                // Rounded up to whole milliseconds, as timers count: a timer never wakes before the turn.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait * 1000.0 / _clock.TimestampFrequency)), _clock, cancellationToken);
            return new Turn(this, turns);
        }
        catch
        {
            turns.InFlight.Release();
            throw;
        }
    }

    /// <summary>A post's turn in its channel.</summary>
    public sealed class Turn : IDisposable
    {
        private readonly ChannelPacer _pacer;
        private ChannelTurns? _turns;

        internal Turn(ChannelPacer pacer, ChannelTurns turns) => (_pacer, _turns) = (pacer, turns);

        /// <summary>The platform said to wait (429 Retry-After): nothing goes to this channel before then, whoever sends it.</summary>
        public void Hold(TimeSpan retryAfter)
        {
            if (_turns is { } turns)
                turns.NextTurn = Math.Max(turns.NextTurn,
                    _pacer._clock.GetTimestamp() + (long)(retryAfter.TotalSeconds * _pacer._clock.TimestampFrequency));
        }

        /// <summary>The post was answered (or failed): the next may go a full interval from now.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _turns, null) is not { } turns)
                return;
            turns.NextTurn = Math.Max(turns.NextTurn, _pacer._clock.GetTimestamp() + _pacer._interval);
            turns.InFlight.Release();
        }
    }
}
