using System.Collections.Concurrent;

namespace ChaseBot.Core.Slack;

/// <summary>
/// Keys seen in this process within a window (request signatures, deliveries), forgotten after it. Swept on a timer,
/// not on every call: sweeping whenever many were remembered scanned the whole window per request under load
/// (a busy Bot spent 40% of its request time there).
/// </summary>
public class RecentlySeen(TimeSpan keep)
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new();
    private long _nextSweepTicks;

    /// <summary>True the first time <paramref name="key"/> is seen within the window.</summary>
    public bool FirstSighting(string key, DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks >= next && Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepEvery).UtcTicks, next) == next)
            foreach (var (seen, at) in _seen)
                if (now - at > keep)
                    _seen.TryRemove(seen, out _);
        return _seen.TryAdd(key, now);
    }

    /// <summary>As if <paramref name="key"/> had not been seen (what it stood for was not done after all).</summary>
    public void Forget(string key) => _seen.TryRemove(key, out _);
}
