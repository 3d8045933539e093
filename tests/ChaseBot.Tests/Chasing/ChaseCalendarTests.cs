using Microsoft.Extensions.Configuration;
using ChaseBot.Core.Chasing;

namespace ChaseBot.Tests.Chasing;

public sealed class ChaseCalendarTests
{
    private static ChaseCalendar London() => new(TimeZoneInfo.FindSystemTimeZoneById("Europe/London"), new(18, 0), new(9, 0),
        [DayOfWeek.Saturday, DayOfWeek.Sunday]);

    [Theory]
    [InlineData("2026-10-24T19:00:00Z", "2026-10-26T09:00:00Z")] // Saturday in summer time → Monday 09:00 GMT, after the change
    [InlineData("2026-10-23T16:59:00Z", "2026-10-23T16:59:00Z")] // Friday 17:59 BST: allowed now
    [InlineData("2026-10-23T17:00:00Z", "2026-10-26T09:00:00Z")] // Friday 18:00 BST: quiet until Monday
    [InlineData("2026-03-27T20:00:00Z", "2026-03-30T08:00:00Z")] // Friday evening GMT → Monday 09:00 BST
    [InlineData("2026-11-24T07:30:00Z", "2026-11-24T09:00:00Z")] // Tuesday before 09:00
    public void Quiet_hours_and_weekends_hold_messages_until_the_next_allowed_local_time_across_DST(string decided, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected), London().NextAllowed(DateTimeOffset.Parse(decided)));

    [Theory]
    [InlineData("", "")]
    [InlineData("none", "")]
    [InlineData("friday", "Friday")]
    [InlineData(null, "Saturday Sunday")]
    public void Quiet_days_read_the_same_in_the_service_host_as_on_the_command_line(string? configured, string expected)
    {
        var settings = configured is null ? new Dictionary<string, string?>() : new() { ["Chase:QuietDays:0"] = configured };
        var direct = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var hosted = new ConfigurationManager(); // as WebApplication chains it
        hosted.AddConfiguration(direct);

        foreach (var configuration in new IConfiguration[] { direct, hosted })
        {
            var options = configuration.GetSection(ChaseBot.Core.ChaseOptions.Section).Get<ChaseBot.Core.ChaseOptions>() ?? new();
            Assert.Equal(expected, string.Join(' ', options.EffectiveQuietDays));
        }
    }

    [Fact]
    public void A_quiet_period_ending_inside_the_spring_forward_gap_ends_an_hour_later_not_never()
    {
        // Europe/London skips 01:00–02:00 on 29 March 2026; a quiet period ending at 01:30 ends at 02:30 that day.
        var calendar = new ChaseCalendar(TimeZoneInfo.FindSystemTimeZoneById("Europe/London"), new(23, 0), new(1, 30), []);
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T01:30:00Z"), calendar.NextAllowed(DateTimeOffset.Parse("2026-03-28T23:30:00Z")));
    }

    [Fact]
    public void The_chase_day_is_the_local_calendar_day()
    {
        var auckland = new ChaseCalendar(TimeZoneInfo.FindSystemTimeZoneById("Pacific/Auckland"), new(18, 0), new(9, 0), []);
        Assert.Equal(new DateOnly(2026, 11, 22), auckland.Today(DateTimeOffset.Parse("2026-11-21T12:00:00Z")));
    }
}
