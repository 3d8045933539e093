namespace ChaseBot.Core.Delivery;

public enum Audience
{
    /// <summary>A channel everyone in it sees.</summary>
    Channel,
    /// <summary>One person, privately (Slack DM, Teams personal chat).</summary>
    Direct,
}

/// <summary>
/// Something to post, written in the same transaction as the decision that caused it and delivered later by the
/// outbox job. The unique key means a decision can never produce the same message twice.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string Key { get; set; }
    /// <summary>reminder, proposal, guard-note, artifact, thanks, morale, morale-reply, digest.</summary>
    public required string Kind { get; set; }
    public Audience Audience { get; set; }
    /// <summary>Channel id or user id.</summary>
    public required string Target { get; set; }
    /// <summary>The platform-neutral message (<see cref="ChatMessage"/>) as JSON.</summary>
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Not delivered before this instant: quiet hours and weekends hold messages, not decisions.</summary>
    public DateTime NotBefore { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    /// <summary>A delivering Worker's lease, so two Workers never send the same row at once.</summary>
    public DateTime? ClaimedUntil { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public string? Platform { get; set; }
    public string? PlatformMessageId { get; set; }
    /// <summary>
    /// The platform id of a message already posted that this one rewrites in place (Slack chat.update, a Teams activity
    /// update) instead of posting anew: a card whose proposal was withdrawn or decided away from its buttons.
    /// </summary>
    public string? Replaces { get; set; }
    /// <summary>Set when delivery has been given up: the message stays, visible, with the last error.</summary>
    public DateTime? DeadLetteredAt { get; set; }
    public string? LastError { get; set; }
}
