namespace ChaseBot.Core.Commands;

/// <summary>Section "Chat": who may do what, by chat user id. Approvers are Chase:Approvers.</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>Who may read (status, help). Empty: everyone in the workspace.</summary>
    public List<string> Viewers { get; set; } = [];

    /// <summary>Who may log payments, disputes, promises, snoozes and client settings. Empty: everyone.</summary>
    public List<string> Collectors { get; set; } = [];
}

/// <summary>An empty entry would not widen a role to everyone, but it says the list was written wrong: refused at start.</summary>
public sealed class ChatOptionsCheck : OptionsCheck<ChatOptions>
{
    protected override IEnumerable<string> Failures(ChatOptions o)
    {
        if (o.Viewers.Concat(o.Collectors).Any(string.IsNullOrWhiteSpace))
            yield return "Chat:Viewers and Chat:Collectors must not have empty entries";
    }
}

public enum Role
{
    Viewer,
    Collector,
    Approver,
}

public sealed class ChatRoles(IReadOnlySet<string> viewers, IReadOnlySet<string> collectors, IReadOnlySet<string> approvers)
{
    public static ChatRoles From(ChatOptions chat, IEnumerable<string> approvers) =>
        new(chat.Viewers.ToHashSet(StringComparer.Ordinal), chat.Collectors.ToHashSet(StringComparer.Ordinal),
            approvers.ToHashSet(StringComparer.Ordinal));

    public bool Has(string userId, Role role) => role switch
    {
        Role.Viewer => viewers.Count == 0 || viewers.Contains(userId) || Has(userId, Role.Collector) || approvers.Contains(userId),
        Role.Collector => collectors.Count == 0 || collectors.Contains(userId) || approvers.Contains(userId),
        _ => approvers.Contains(userId), // Default-deny: nobody until configured.
    };

    public static string Refusal(string userId, Role role) => role switch
    {
        Role.Approver => $"Only approvers can do that, and {userId} is not one. Approvers are chat user ids in Chase:Approvers.",
        Role.Collector => $"Only collectors can change the ledger, and {userId} is not one. Collectors are listed in Chat:Collectors.",
        _ => $"{userId} may not read the ledger. Viewers are listed in Chat:Viewers.",
    };
}
