namespace ChaseBot.Core.Morale;

/// <summary>Section "Morale".</summary>
public sealed class MoraleOptions
{
    public const string Section = "Morale";

    /// <summary>Quartz cron for the weekly check-in, in Chase:TimeZone. Default: Fridays 15:00.</summary>
    public string Schedule { get; set; } = "0 0 15 ? * FRI";

    /// <summary>At most one check-in per person in this many days, whatever triggers it.</summary>
    public int MinDaysBetween { get; set; } = 7;

    /// <summary>
    /// The person chasing works alone (a freelancer): replies never suggest taking it to a manager, and the concrete
    /// step is one a sole trader can take.
    /// </summary>
    public bool WorkingAlone { get; set; }
}

public sealed class MoraleOptionsCheck : OptionsCheck<MoraleOptions>
{
    protected override IEnumerable<string> Failures(MoraleOptions o)
    {
        if (o.MinDaysBetween is < 0 or > 365)
            yield return "Morale:MinDaysBetween must be between 0 and 365";
    }
}
