using System.Collections.Concurrent;

namespace ChaseBot.Core.Slack;

/// <summary>
/// Keys seen in this process within a window (request signatures, deliveries), each with what its first sighting left
/// (a command's answer), forgotten after it. Swept on a timer, not on every call: sweeping whenever many were remembered
/// scanned the whole window per request under load (a busy Bot spent 40% of its request time there).
/// </summary>
public class RecentlySeen<T>(TimeSpan keep)
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, T Value)> _seen = new();
    private long _nextSweepTicks;

    /// <summary>
    /// True the first time <paramref name="key"/> is seen within the window, keeping <paramref name="value"/> with it;
    /// otherwise false, with the value its first sighting kept in <paramref name="first"/>.
    /// </summary>
    public bool FirstSighting(string key, T value, DateTimeOffset now, out T first)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks >= next && Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepEvery).UtcTicks, next) == next)
            foreach (var (seen, entry) in _seen)
                if (now - entry.At > keep)
                    _seen.TryRemove(seen, out _);
        while (true) // a sweep may remove the key between the two looks: look again
        {
            if (_seen.TryAdd(key, (now, value)))
            {
                first = value;
                return true;
            }
            if (_seen.TryGetValue(key, out var earlier))
            {
                first = earlier.Value;
                return false;
            }
        }
    }

    /// <summary>As if <paramref name="key"/> had not been seen (what it stood for was not done after all).</summary>
    public void Forget(string key) => _seen.TryRemove(key, out _);
}

/// <summary>Keys seen in this process within a window, with nothing kept beside them.</summary>
public class RecentlySeen(TimeSpan keep) : RecentlySeen<bool>(keep)
{
    /// <summary>True the first time <paramref name="key"/> is seen within the window.</summary>
    public bool FirstSighting(string key, DateTimeOffset now) => FirstSighting(key, true, now, out _);
}
