using System.Collections.Concurrent;

namespace ChaseBot.Tests.Support;

/// <summary>
/// A misbehaving chat platform (the fake Slack's chat.postMessage, the fake Bot Connector's activities), seeded: a share
/// of posts get a 5xx, a 429 burst (Retry-After, during which the channel answers 429 again), a timeout (no answer until
/// the client gave up; nothing posted), a dropped connection (nothing posted) or a slow answer. It also enforces one post
/// per channel per <see cref="ChannelInterval"/>, as the platforms do, and counts every post that arrived while its
/// channel was told to wait: the client must keep that at zero.
/// </summary>
public sealed class PlatformFaults(int seed)
{
    private readonly Random _random = new(seed);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastPost = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _waitUntil = new();

    public double ServerErrors { get; init; } = 0.06;
    public double RateLimitBursts { get; init; } = 0.03;
    public double Timeouts { get; init; } = 0.02;
    public double Drops { get; init; } = 0.04;
    public double Slow { get; init; } = 0.05;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1.5);
    public TimeSpan ChannelInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Channels that no longer exist: a failure retrying cannot fix.</summary>
    public HashSet<string> Archived { get; init; } = [];
    /// <summary>The 5xx statuses it answers with.</summary>
    public int[] ServerErrorStatuses { get; init; } = [500, 502, 503];

    public ConcurrentDictionary<string, int> Injected { get; } = new();
    /// <summary>Posts that arrived while their channel was still inside a Retry-After it had been given.</summary>
    public ConcurrentQueue<string> IgnoredRetryAfter { get; } = new();

    private double Roll() { lock (_random) return _random.NextDouble(); }

    /// <summary>Null: go ahead and post. Otherwise the failure the fake server answers with, in its platform's words.</summary>
    internal async Task<Misbehaviour?> MisbehaveAsync(string channel)
    {
        var now = DateTimeOffset.UtcNow;
        if (_waitUntil.TryGetValue(channel, out var until) && now < until - TimeSpan.FromMilliseconds(20))
        {
            IgnoredRetryAfter.Enqueue($"{channel} at {now:HH:mm:ss.fff}, told to wait until {until:HH:mm:ss.fff}");
            return TooMany(channel, until);
        }
        if (Archived.Contains(channel))
            return Count("channel gone", new Misbehaviour(Gone: true));
        var roll = Roll();
        if ((roll -= ServerErrors) < 0)
            return Count("5xx", new Misbehaviour(Status: ServerErrorStatuses[(int)(Roll() * ServerErrorStatuses.Length)]));
        if ((roll -= RateLimitBursts) < 0)
        {
            Count("429 burst", null);
            return TooMany(channel, now + TimeSpan.FromSeconds(1 + (int)(Roll() * 2)));
        }
        if ((roll -= Timeouts) < 0)
        {
            await Task.Delay(Timeout);
            return Count("timeout", new Misbehaviour(Drop: true));
        }
        if ((roll -= Drops) < 0)
            return Count("dropped connection", new Misbehaviour(Drop: true));
        if ((roll -= Slow) < 0)
        {
            Count("slow", null);
            await Task.Delay(TimeSpan.FromMilliseconds(200 + Roll() * 400));
        }
        // The platforms' own limit: about one message per second per channel.
        now = DateTimeOffset.UtcNow;
        if (_lastPost.TryGetValue(channel, out var last) && now - last < ChannelInterval - TimeSpan.FromMilliseconds(20))
            return Count("429 channel limit", TooMany(channel, last + ChannelInterval));
        _lastPost[channel] = now;
        return null;
    }

    private Misbehaviour TooMany(string channel, DateTimeOffset until)
    {
        _waitUntil[channel] = until;
        return new Misbehaviour(Status: 429, RetryAfter: Math.Max(1, (int)Math.Ceiling((until - DateTimeOffset.UtcNow).TotalSeconds)));
    }

    private Misbehaviour? Count(string kind, Misbehaviour? result)
    {
        Injected.AddOrUpdate(kind, 1, (_, n) => n + 1);
        return result;
    }
}

/// <summary>
/// How a fake platform fails one post: a status (with Retry-After for 429), a dropped connection (nothing answered),
/// or "this channel is gone", which each platform says in its own way (Slack: ok:false channel_not_found; Teams: 404).
/// </summary>
internal sealed record Misbehaviour(int Status = 0, int? RetryAfter = null, bool Drop = false, bool Gone = false);
