using System.Buffers.Binary;
using ChaseBot.Core.Slack;

namespace ChaseBot.Bot.Slack;

/// <summary>
/// The signatures of the requests handled in the last ten minutes (older ones fail the timestamp check anyway), so a
/// genuine request sent again is refused as a replay.
/// Held compactly, since a busy Bot sees hundreds of thousands in ten minutes: a signature is an HMAC-SHA256 and its
/// first 128 bits stand for it (two requests sharing them among a million is a chance of about 10^-27), in one set per
/// minute, a minute's set let go whole when it leaves the window. As strings in one dictionary they took 250 bytes each,
/// a quarter of the Bot's memory under bench/status; here about 40, and no object per signature for the collector to trace.
/// </summary>
public sealed class SlackReplayGuard
{
    private static readonly long Minutes = (long)(SlackSignature.Window * 2).TotalMinutes;

    private readonly Lock _gate = new();
    /// <summary>Oldest first: the minute (since 0001-01-01) each set was begun in.</summary>
    private readonly Queue<(long Minute, HashSet<UInt128> Seen)> _minutes = new();
    private (long Minute, HashSet<UInt128> Seen)? _current;

    /// <summary>True the first time a (verified) <paramref name="signature"/> is seen within the window.</summary>
    public bool FirstSighting(string signature, DateTimeOffset now)
    {
        var key = KeyOf(signature);
        var minute = now.UtcTicks / TimeSpan.TicksPerMinute;
        lock (_gate)
        {
            while (_minutes.TryPeek(out var oldest) && oldest.Minute <= minute - Minutes)
                _minutes.Dequeue();
            foreach (var (_, seen) in _minutes)
                if (seen.Contains(key))
                    return false;
            // A clock set back keeps adding to the newest set: it is let go no sooner than it would have been.
            if (_current is not { } current || current.Minute < minute)
            {
                current = (minute, []);
                _minutes.Enqueue(current);
                _current = current;
            }
            return current.Seen.Add(key);
        }
    }

    /// <summary>"v0=" and 64 hex digits, as verified; upper or lower case are one signature.</summary>
    private static UInt128 KeyOf(string signature)
    {
        Span<byte> digest = stackalloc byte[32];
        var hex = signature.AsSpan(signature.StartsWith("v0=", StringComparison.Ordinal) ? 3 : 0);
        if (hex.Length != 64 || Convert.FromHexString(hex, digest, out _, out _) != System.Buffers.OperationStatus.Done)
            throw new ArgumentException("not a v0 signature", nameof(signature)); // only verified signatures are asked about
        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }
}
