using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ChaseBot.Core.Text;

/// <summary>
/// A time as the people reading it keep it: in Chase:TimeZone with the zone's abbreviation ("10:00 GMT", "10:00 BST"),
/// never a UTC time the reader has to convert. .NET has no abbreviations, so they come from the zone's own tz database
/// file, whose last line is its POSIX rule ("GMT0BST,M3.5.0/1,M10.5.0"); a zone without one (or named by number, as
/// "&lt;+03&gt;") is said as its offset, "UTC+03:00".
/// </summary>
public static partial class ZoneTime
{
    private static readonly ConcurrentDictionary<string, (string? Standard, string? Daylight)> Names = new(StringComparer.Ordinal);

    /// <summary>"10:00 GMT": the time of day in the zone, with its abbreviation at that instant.</summary>
    public static string Clock(DateTimeOffset instant, TimeZoneInfo zone) =>
        $"{TimeZoneInfo.ConvertTime(instant, zone).ToString("HH:mm", CultureInfo.InvariantCulture)} {Abbreviation(instant, zone)}";

    /// <summary>"10:00 GMT on 6 Apr": for chat, where the day may not be today.</summary>
    public static string ClockAndDay(DateTimeOffset instant, TimeZoneInfo zone) =>
        $"{Clock(instant, zone)} on {TimeZoneInfo.ConvertTime(instant, zone).ToString("d MMM", CultureInfo.InvariantCulture)}";

    public static string Abbreviation(DateTimeOffset instant, TimeZoneInfo zone)
    {
        if (zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime && zone.Id is "UTC" or "Etc/UTC" or "Universal" or "Zulu")
            return "UTC";
        var (standard, daylight) = Names.GetOrAdd(zone.Id, Read);
        var name = zone.IsDaylightSavingTime(instant) ? daylight : standard;
        if (name is not null)
            return name;
        var offset = zone.GetUtcOffset(instant);
        return offset == TimeSpan.Zero ? "UTC" : $"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm}";
    }

    private static (string?, string?) Read(string zoneId)
    {
        try
        {
            var directory = Environment.GetEnvironmentVariable("TZDIR") is { Length: > 0 } dir ? dir : "/usr/share/zoneinfo";
            var path = Path.Combine(directory, zoneId);
            if (zoneId.Contains("..", StringComparison.Ordinal) || !File.Exists(path))
                return (null, null);
            var bytes = File.ReadAllBytes(path);
            var end = bytes.Length - 1;
            var start = Array.LastIndexOf(bytes, (byte)'\n', end - 1) + 1;
            var rule = System.Text.Encoding.ASCII.GetString(bytes, start, end - start);
            var match = PosixRule().Match(rule);
            return match.Success ? (Named(match.Groups["std"].Value), Named(match.Groups["dst"].Value)) : (null, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    /// <summary>Letters are a name; a quoted number ("&lt;+03&gt;") is an offset, said as such by the caller.</summary>
    private static string? Named(string name) => name.Length > 0 && name.All(char.IsAsciiLetter) ? name : null;

    [GeneratedRegex(@"^(?<std>[A-Za-z]{3,}|<[^>]+>)[-+]?\d[\d:]*(?<dst>[A-Za-z]{3,}|<[^>]+>)?")]
    private static partial Regex PosixRule();
}
