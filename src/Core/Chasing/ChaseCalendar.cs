namespace ChaseBot.Core.Chasing;

/// <summary>
/// Days and hours in the configured time zone: which day it is for the ladder, and when a message may be
/// delivered (quiet hours and weekends hold messages until the next allowed time).
/// </summary>
public sealed class ChaseCalendar(TimeZoneInfo zone, TimeOnly quietStart, TimeOnly quietEnd, IReadOnlyList<DayOfWeek> quietDays)
{
    public static ChaseCalendar From(ChaseOptions options) =>
        new(options.ResolveTimeZone(), options.QuietHoursStart, options.QuietHoursEnd, options.EffectiveQuietDays);

    public TimeZoneInfo Zone => zone;

    /// <summary>The same quiet hours and days, in another zone: a client's, for what reaches the client (emails).</summary>
    public ChaseCalendar In(TimeZoneInfo other) => new(other, quietStart, quietEnd, quietDays);

    /// <summary>The calendar day in the configured zone: days past due are counted in these.</summary>
    public DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

    public bool IsQuiet(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        if (quietDays.Contains(local.DayOfWeek))
            return true;
        var time = TimeOnly.FromDateTime(local.DateTime);
        return quietStart > quietEnd
            ? time >= quietStart || time < quietEnd // overnight, e.g. 18:00–09:00
            : time >= quietStart && time < quietEnd;
    }

    /// <summary>The first instant at or after <paramref name="instant"/> outside quiet hours and quiet days.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset instant)
    {
        if (!IsQuiet(instant))
            return instant;
        var local = TimeZoneInfo.ConvertTime(instant, zone).DateTime;
        for (var day = 0; day <= 8; day++)
        {
            var date = local.Date.AddDays(day);
            // The quiet period ends at QuietHoursEnd; a DST gap at that hour is skipped by moving one hour on.
            var candidate = date.Add(quietEnd.ToTimeSpan());
            if (zone.IsInvalidTime(candidate))
                candidate = candidate.AddHours(1);
            var candidateInstant = new DateTimeOffset(candidate, zone.GetUtcOffset(candidate));
            if (candidateInstant >= instant && !IsQuiet(candidateInstant))
                return candidateInstant;
        }
        return instant; // Every hour is quiet (a misconfiguration): deliver rather than hold forever.
    }
}
