using ChaseBot.Core.Chasing;

namespace ChaseBot.Core;

/// <summary>Section "Chase": how and when the chase runs.</summary>
public sealed class ChaseOptions
{
    public const string Section = "Chase";

    /// <summary>IANA time zone in which days past due, quiet hours and schedules are counted.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Quartz cron for the chase job. Running it often is harmless: every step fires at most once.</summary>
    public string Schedule { get; set; } = "0 5 * * * ?";

    /// <summary>The least number of days between one escalation decision and the next proposal.</summary>
    public int MinDaysBetweenSteps { get; set; } = 7;

    public const int DefaultGraceDays = 2;

    /// <summary>Days after a date given to the client (pay by, suspended on, removed on) before the next rung may be proposed.</summary>
    public int GraceDays { get; set; } = DefaultGraceDays;

    public const int DefaultMinContactDaysBeforeFinal = 14;

    /// <summary>
    /// A final notice needs this many days since the first message reached the client (two to three weeks of contact
    /// before a final notice, as the guides we follow say); a case's first message to a client is never a final notice.
    /// </summary>
    public int MinContactDaysBeforeFinal { get; set; } = DefaultMinContactDaysBeforeFinal;

    /// <summary>Days after a dispute is resolved before its invoice is chased again: time for the agreed fix to be paid.</summary>
    public int ResumeAfterDisputeDays { get; set; } = 7;

    /// <summary>
    /// New proposals one run may post (the most overdue first, then the oldest); the rest wait for later runs, so a
    /// ledger nobody has chased for months does not flood the channel.
    /// </summary>
    public int MaxNewProposalsPerRun { get; set; } = 20;

    /// <summary>Messages are held from QuietHoursStart to QuietHoursEnd (local time) and on QuietDays.</summary>
    public TimeOnly QuietHoursStart { get; set; } = new(18, 0);
    public TimeOnly QuietHoursEnd { get; set; } = new(9, 0);
    /// <summary>
    /// Day names; unset means Saturday and Sunday. An empty entry or "none" means no quiet days. Read as text: a
    /// configuration chained into a host turns an empty value into null, which an enum list would bind as Sunday.
    /// </summary>
    public List<string>? QuietDays { get; set; }

    /// <summary>Where nudges and proposals go for clients with no channel of their own.</summary>
    public string DefaultChannel { get; set; } = "#accounts-receivable";

    /// <summary>Who is mentioned, thanked and checked on for clients with no owner.</summary>
    public string DefaultOwner { get; set; } = PlaceholderOwner;

    /// <summary>
    /// The shipped stand-in for an owner nobody has set: it is never sent a private message (Slack would answer
    /// user_not_found) nor mentioned; private check-ins and well-dones wait until a real owner is set.
    /// </summary>
    public const string PlaceholderOwner = "owner";

    /// <summary>Chat user ids allowed to decide proposals. Empty: nobody (default-deny).</summary>
    public List<string> Approvers { get; set; } = [];

    /// <summary>Signs the email drafts.</summary>
    public string SenderName { get; set; } = "Accounts team";

    /// <summary>Overrides per step id: Chase:Ladder:reminder-1:Day = 5, Chase:Ladder:heads-up:Enabled = true.</summary>
    public Dictionary<string, LadderStepOptions> Ladder { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<DayOfWeek> EffectiveQuietDays => QuietDays is null
        ? [DayOfWeek.Saturday, DayOfWeek.Sunday]
        : QuietDays.Where(d => !string.IsNullOrWhiteSpace(d) && !d.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
            .Select(d => Enum.TryParse<DayOfWeek>(d.Trim(), ignoreCase: true, out var day) && Enum.IsDefined(day) && !int.TryParse(d, out _)
                ? day
                : throw new SettingsException($"Chase:QuietDays has '{d}'; expected day names like Saturday, or none."))
            .Distinct().ToList();

    public TimeZoneInfo ResolveTimeZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new SettingsException($"Chase:TimeZone '{TimeZone}' is not a time zone this machine knows (e.g. Europe/London).", e);
        }
    }
}
