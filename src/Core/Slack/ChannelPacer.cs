using System.Collections.Concurrent;

namespace ChaseBot.Core.Slack;

/// <summary>
/// Slack accepts about one message per second per channel. Each channel gets its own turn, so posts to different
/// channels never wait for each other and posts to one channel are spaced a second apart. Turns are measured on the
/// monotonic clock (TimeProvider timestamps), which a wall-clock change cannot bend.
/// </summary>
public sealed class ChannelPacer(TimeProvider clock, TimeSpan? interval = null)
{
    private readonly long _interval = (long)((interval ?? TimeSpan.FromSeconds(1.1)).TotalSeconds * clock.TimestampFrequency);
    private readonly ConcurrentDictionary<string, long> _nextTurn = new();

    public async Task WaitTurnAsync(string channel, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = clock.GetTimestamp();
            var next = _nextTurn.GetOrAdd(channel, now);
            var start = Math.Max(next, now);
            if (_nextTurn.TryUpdate(channel, start + _interval, next))
            {
                if (start > now)
                    await Task.Delay(TimeSpan.FromSeconds((start - now) / (double)clock.TimestampFrequency), clock, cancellationToken);
                return;
            }
        }
    }

    /// <summary>
    /// Called when a post has been answered: the next one waits a full interval from now, so a slow post (which
    /// Slack counts when it arrives) cannot let the next one arrive too soon after it.
    /// </summary>
    public void Completed(string channel)
    {
        var earliest = clock.GetTimestamp() + _interval;
        _nextTurn.AddOrUpdate(channel, earliest, (_, next) => Math.Max(next, earliest));
    }

    /// <summary>Slack said to wait (429 Retry-After): nothing goes to this channel before then, whoever sends it.</summary>
    public void Hold(string channel, TimeSpan retryAfter)
    {
        var until = clock.GetTimestamp() + (long)(retryAfter.TotalSeconds * clock.TimestampFrequency);
        _nextTurn.AddOrUpdate(channel, until, (_, next) => Math.Max(next, until));
    }
}
