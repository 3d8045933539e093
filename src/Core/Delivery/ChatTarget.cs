namespace ChaseBot.Core.Delivery;

/// <summary>The platforms an outbox message can go to.</summary>
public enum TargetPlatform { Slack, Teams, Email }

/// <summary>
/// Where an outbox message goes, as stored in <c>Outbox.Target</c> and in clients' channel and owner fields: a Slack
/// channel or user id as Slack writes it (C…, U…), a Teams conversation or user behind "teams:", or an email address
/// behind "mailto:". The one place that knows those prefixes: routing, identities and mentions ask it.
/// </summary>
public readonly record struct ChatTarget(string Value)
{
    public const string TeamsPrefix = "teams:";
    public const string EmailPrefix = "mailto:";

    public static ChatTarget Teams(string conversationOrUserId) => new(TeamsPrefix + conversationOrUserId);
    public static ChatTarget Email(string address) => new(EmailPrefix + address);

    public TargetPlatform Platform =>
        Value.StartsWith(TeamsPrefix, StringComparison.Ordinal) ? TargetPlatform.Teams
        : Value.StartsWith(EmailPrefix, StringComparison.Ordinal) ? TargetPlatform.Email
        : TargetPlatform.Slack;

    /// <summary>The id or address the platform itself knows: the value without its prefix.</summary>
    public string Address => Platform switch
    {
        TargetPlatform.Teams => Value[TeamsPrefix.Length..],
        TargetPlatform.Email => Value[EmailPrefix.Length..],
        TargetPlatform.Slack => Value,
    };

    public static bool IsTeams(string? value) => value is not null && new ChatTarget(value).Platform == TargetPlatform.Teams;

    public override string ToString() => Value;

    public static implicit operator string(ChatTarget target) => target.Value;
}
