using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Chasing;

/// <summary>ChaseOptions resolved once: the ladder built, the time zone found. Built at start-up, so bad settings fail there.</summary>
public sealed class ChaseSettings
{
    public ChaseSettings(IOptions<ChaseOptions> options, IOptions<Payments.PaymentOptions>? payment = null)
    {
        var o = options.Value;
        Payment = payment?.Value ?? new();
        Ladder = ChaseLadder.FromOptions(o.Ladder, out _);
        Calendar = ChaseCalendar.From(o);
        MinDaysBetweenSteps = o.MinDaysBetweenSteps;
        GraceDays = o.GraceDays;
        ResumeAfterDisputeDays = o.ResumeAfterDisputeDays;
        MinContactDaysBeforeFinal = o.MinContactDaysBeforeFinal;
        MaxNewProposalsPerRun = o.MaxNewProposalsPerRun;
        DefaultChannel = o.DefaultChannel;
        DefaultOwner = o.DefaultOwner;
        SenderName = o.SenderName;
        Approvers = o.Approvers.ToHashSet(StringComparer.Ordinal);
    }

    public ChaseLadder Ladder { get; }
    /// <summary>How clients pay, said in every client text.</summary>
    public Payments.PaymentOptions Payment { get; }

    /// <summary>The start-up warning when ChaseBot emails clients itself without being able to say how to pay; else null.</summary>
    public string? PaymentWarning(Email.EmailOptions email) =>
        email is { Enabled: true } && (email.SendReminders || email.SendNotices) && !Payment.AnySet ? Payments.PaymentOptions.MissingWarning : null;
    public ChaseCalendar Calendar { get; }
    public int MinDaysBetweenSteps { get; }
    public int GraceDays { get; }
    public int ResumeAfterDisputeDays { get; }
    public int MinContactDaysBeforeFinal { get; }
    public int MaxNewProposalsPerRun { get; }
    public string DefaultChannel { get; }
    public string DefaultOwner { get; }

    /// <summary>Whether a client with this owner (null: none set) has a real person to mention and message privately.</summary>
    public bool OwnerKnown(string? ownerUserId) => ownerUserId is not null || DefaultOwner != ChaseOptions.PlaceholderOwner;
    public string SenderName { get; }
    public IReadOnlySet<string> Approvers { get; }
}

/// <summary>Every problem with the Chase section, said at start-up.</summary>
public sealed class ChaseOptionsValidator : IValidateOptions<ChaseOptions>
{
    public ValidateOptionsResult Validate(string? name, ChaseOptions options)
    {
        var failures = new List<string>();
        try { options.ResolveTimeZone(); }
        catch (InvalidOperationException e) { failures.Add(e.Message); }
        ChaseLadder.FromOptions(options.Ladder, out var ladderErrors);
        failures.AddRange(ladderErrors);
        if (options.MinDaysBetweenSteps is < 0 or > 365)
            failures.Add("Chase:MinDaysBetweenSteps must be between 0 and 365");
        if (options.GraceDays is < 0 or > 30)
            failures.Add("Chase:GraceDays must be between 0 and 30");
        if (options.MinContactDaysBeforeFinal is < 0 or > 90)
            failures.Add("Chase:MinContactDaysBeforeFinal must be between 0 and 90");
        if (options.ResumeAfterDisputeDays is < 0 or > 60)
            failures.Add("Chase:ResumeAfterDisputeDays must be between 0 and 60");
        if (options.MaxNewProposalsPerRun is < 1 or > 10_000)
            failures.Add("Chase:MaxNewProposalsPerRun must be between 1 and 10000");
        if (string.IsNullOrWhiteSpace(options.DefaultChannel))
            failures.Add("Chase:DefaultChannel must name a channel");
        if (string.IsNullOrWhiteSpace(options.DefaultOwner))
            failures.Add("Chase:DefaultOwner must name a chat user");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
