namespace ChaseBot.Core.Morale;

public static class MoraleTriggers
{
    public const string Weekly = "weekly";
    public const string Dispute = "dispute";
    public const string Suspension = "suspension";
    /// <summary>A suspension was approved and the case is still open.</summary>
    public const string Suspended = "suspended";
    public const string HandOff = "hand-off";
    public const string WriteOff = "write-off";

    /// <summary>The heaviest event decides how the check-in opens.</summary>
    public static int Weight(string trigger) => trigger switch
    {
        WriteOff => 5,
        HandOff => 4,
        Suspension or Suspended => 3,
        Dispute => 2,
        _ => 1,
    };

    public static string Opening(string trigger, int overdue) => trigger switch
    {
        WriteOff => "An invoice you chased was written off. That is a hard way for an engagement to end.",
        HandOff => "One of your clients has reached the end of the ladder (removal or hand-off). That is a heavy one.",
        Suspension => "ChaseBot is proposing to suspend a client's access. Decisions like that weigh on people.",
        Suspended => "A client's access is suspended until they pay. Decisions like that weigh on people, even when the contract allows them.",
        Dispute => "A client has disputed an invoice. Disputes can feel personal; they usually are not.",
        _ => $"You have {Text.Counted.Of(overdue, "overdue invoice")} on your plate this week. Chasing money wears people down.",
    };
}
