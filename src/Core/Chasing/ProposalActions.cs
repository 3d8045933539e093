namespace ChaseBot.Core.Chasing;

/// <summary>
/// The buttons on a proposal and the words for them: the action ids Slack and Teams send back (a Slack action_id, a
/// Teams Action.Execute verb), the verdict each stands for, the CLI's word for it and the past tense a decided card
/// shows. Every place that reads a click or writes a button asks here.
/// </summary>
public static class ProposalActions
{
    private const string Prefix = "proposal.";
    public const string Approve = Prefix + "approve";
    public const string Snooze = Prefix + "snooze";
    public const string Reject = Prefix + "reject";
    /// <summary>Only on a formal late notice that would be the client's first message: a reminder goes now, the notice comes back later.</summary>
    public const string RemindFirst = Prefix + "remind-first";
    /// <summary>Teams only: a viewer's card asks for the proposal as it now stands.</summary>
    public const string Refresh = Prefix + "refresh";

    /// <summary>Whether a button belongs to a proposal (so a console or card renderer can offer the matching command).</summary>
    public static bool IsProposalAction(string actionId) => actionId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The verdict a button stands for; null for Refresh and anything else.</summary>
    public static Verdict? VerdictOf(string? actionId) => actionId switch
    {
        Approve => Verdict.Approve,
        Snooze => Verdict.Snooze,
        Reject => Verdict.Reject,
        RemindFirst => Verdict.RemindFirst,
        _ => null,
    };

    /// <summary>The verdict a typed word stands for ("approve", "snooze", "reject", "remind-first", any case); null otherwise.</summary>
    public static Verdict? VerdictOfWord(string word) => VerdictOf(Prefix + word.ToLowerInvariant());

    /// <summary>"approved", "snoozed", "rejected": what a decided card says happened.</summary>
    public static string PastTense(Verdict verdict) => verdict switch
    {
        Verdict.Approve => "approved",
        Verdict.Snooze => "snoozed",
        Verdict.RemindFirst => "put after a reminder",
        _ => "rejected",
    };
}
