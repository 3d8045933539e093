namespace ChaseBot.Core.Morale;

/// <summary>A private check-in with the person doing the chasing, and their answer. Never shown in channels or digests.</summary>
public sealed class MoraleCheck
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    /// <summary>weekly, dispute, suspension, hand-off, write-off.</summary>
    public required string Trigger { get; set; }
    public DateTime AskedAt { get; set; }
    public string? Answer { get; set; }
    public DateTime? AnsweredAt { get; set; }
}

/// <summary>Per chat user preferences.</summary>
public sealed class ChatUser
{
    public required string UserId { get; set; }
    /// <summary>The name the chat platform gave with the person's last click or command, for texts ("Approved by Ana").</summary>
    public string? DisplayName { get; set; }
    public bool MoraleOptOut { get; set; }
    public DateTime UpdatedAt { get; set; }
}
