namespace ChaseBot.Core;

/// <summary>Section "Chase": settings of the chasing itself. More arrive with the chase engine.</summary>
public sealed class ChaseOptions
{
    public const string Section = "Chase";

    /// <summary>IANA time zone the days of the ladder and "today" are counted in.</summary>
    public string TimeZone { get; set; } = "UTC";

    public TimeZoneInfo ResolveTimeZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new InvalidOperationException($"Chase:TimeZone '{TimeZone}' is not a time zone this machine knows (e.g. Europe/London).", e);
        }
    }
}
