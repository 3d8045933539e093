namespace ChaseBot.Core.Teams;

/// <summary>
/// Where and how to reach a Teams conversation later (proactive messages need it): stored when the bot is installed
/// or first spoken to, retired when it is removed or the conversation is gone.
/// </summary>
public sealed class ConversationReference
{
    public long Id { get; set; }
    public required string ConversationId { get; set; }
    public required string ServiceUrl { get; set; }
    public string? TenantId { get; set; }
    public required string BotId { get; set; }
    /// <summary>Who the bot talked to when the reference was stored (personal conversations: the person).</summary>
    public string? UserId { get; set; }
    public string? AadObjectId { get; set; }
    /// <summary>personal, channel or groupChat.</summary>
    public required string ConversationType { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? RetiredAt { get; set; }
    public string? RetiredReason { get; set; }
}
