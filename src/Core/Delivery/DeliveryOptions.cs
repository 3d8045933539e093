namespace ChaseBot.Core.Delivery;

/// <summary>Section "Delivery": how the outbox job delivers (its schedule is read by the Worker).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(5);

    /// <summary>How long a Worker's claim on a message holds before another (or a restarted) Worker may send it.</summary>
    public TimeSpan Lease { get; set; } = DefaultLease;

    /// <summary>When the Worker drains the outbox (a Quartz cron expression).</summary>
    public string Schedule { get; set; } = "0/30 * * * * ?";
}

public sealed class DeliveryOptionsCheck : OptionsCheck<DeliveryOptions>
{
    protected override IEnumerable<string> Failures(DeliveryOptions o)
    {
        if (o.Lease < TimeSpan.FromSeconds(1) || o.Lease > TimeSpan.FromHours(1))
            yield return "Delivery:Lease must be between 00:00:01 and 01:00:00";
    }
}
