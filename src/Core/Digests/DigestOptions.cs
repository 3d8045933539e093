namespace ChaseBot.Core.Digests;

/// <summary>Section "Digest".</summary>
public sealed class DigestOptions
{
    public const string Section = "Digest";

    /// <summary>Quartz cron in Chase:TimeZone. Default: weekdays at 09:00.</summary>
    public string Schedule { get; set; } = "0 0 9 ? * MON-FRI";

    /// <summary>Channels the digest is posted to.</summary>
    public List<string> Channels { get; set; } = [];

    public IReadOnlyList<string> EffectiveChannels(string defaultChannel) => Channels.Count > 0 ? Channels : [defaultChannel];
}

public sealed class DigestOptionsCheck : OptionsCheck<DigestOptions>
{
    protected override IEnumerable<string> Failures(DigestOptions o)
    {
        if (o.Channels.Any(string.IsNullOrWhiteSpace))
            yield return "Digest:Channels has an empty entry";
    }
}
