using ChaseBot.Core.Commands;

namespace ChaseBot.Core.Conversations;

/// <summary>
/// A /chase command as every platform hands it over once it has checked who sent it: who (as the platform knows them,
/// with the name it showed), where it was typed, and the words. Slack's form fields, a Socket Mode envelope and a
/// Teams message all become one of these; nothing after this point knows which.
/// </summary>
/// <param name="Platform">The platform's name as targets and actors carry it ("slack", "teams").</param>
/// <param name="Where">The channel or conversation it was typed in; null for a private surface.</param>
/// <param name="References">Ids the platform resolved in the text (a channel or person someone picked from a list).</param>
public sealed record ChatCommand(string Platform, string UserId, string Text, string? Where = null, string? DisplayName = null,
    IReadOnlySet<string>? References = null)
{
    public CommandContext Context => new(UserId, Platform, Where, References);
}

/// <summary>
/// A button someone pressed: the action id and value ChaseBot wrote on it (<see cref="Chasing.ProposalActions"/>,
/// a morale answer, "Mark as sent"), who pressed it and where.
/// </summary>
/// <param name="OnHome">Pressed on a private overview (Slack's Home tab) rather than on the message the button came with.</param>
public sealed record ChatClick(string Platform, string UserId, string Action, string Value, string? Where = null,
    string? DisplayName = null, bool OnHome = false)
{
    public CommandContext Context => new(UserId, Platform, Where);
}
