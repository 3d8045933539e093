using System.Collections.Concurrent;

namespace ChaseBot.Core.Slack;

/// <summary>
/// Slack accepts about one message per second per channel. Each channel gets its own turn, so posts to different
/// channels never wait for each other and posts to one channel are spaced a second apart.
/// </summary>
public sealed class ChannelPacer(TimeProvider clock, TimeSpan? interval = null)
{
    private readonly TimeSpan _interval = interval ?? TimeSpan.FromSeconds(1.1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextTurn = new();

    public async Task WaitTurnAsync(string channel, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = clock.GetUtcNow();
            var next = _nextTurn.GetOrAdd(channel, now);
            var start = next > now ? next : now;
            if (_nextTurn.TryUpdate(channel, start + _interval, next))
            {
                if (start > now)
                    await Task.Delay(start - now, clock, cancellationToken);
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
        var earliest = clock.GetUtcNow() + _interval;
        _nextTurn.AddOrUpdate(channel, earliest, (_, next) => next > earliest ? next : earliest);
    }
}
