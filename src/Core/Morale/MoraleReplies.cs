namespace ChaseBot.Core.Morale;

/// <summary>What ChaseBot says back. Plain, human, short; never a lecture.</summary>
public static class MoraleReplies
{
    public const string Steady = "steady";
    public const string Stretched = "stretched";
    public const string Rough = "rough";

    public static readonly string[] Answers = [Steady, Stretched, Rough];

    /// <param name="workingAlone">Morale:WorkingAlone: there is no manager or company to hand the problem to.</param>
    public static string For(string answer, string trigger, bool workingAlone = false) => answer switch
    {
        Steady => "Good to hear. The schedule keeps the routine going; nothing else needs you today." + Reflection(trigger),
        Stretched =>
            "Thanks for saying so. One thing for today: pick the single largest overdue invoice and send its draft; " +
            "leave the rest to the schedule. " + (workingAlone
                ? "If the list keeps growing, that is a reason to change the terms for new work (a deposit, milestone payments), not to work more evenings."
                : "If the list keeps growing, that is a conversation for your manager, not more evenings.") +
            Reflection(trigger),
        _ =>
            "That sounds hard, and it is worth saying out loud. Some perspective: late payment is nearly always about the " +
            "client's cash flow or disorganisation, not your work or you. A complaint that appears only when the invoice is " +
            "due is often an excuse to delay rather than the reason. " + (workingAlone
                ? "And recovering money is a business task, not a verdict on you: an accountant, a lawyer or a collections agency can " +
                  "take on the heaviest part.\nOne concrete step: block half an hour tomorrow morning, send the largest overdue " +
                  "invoice's draft, and leave the rest to the schedule."
                : "And recovering money is the company's job (your manager's, and legal's if it comes to that), not yours alone.\n" +
                  "One concrete step: send your manager the overdue list today and agree who makes the next call.") + Reflection(trigger),
    };

    /// <summary>After a lost engagement, a short look back that helps the next one, without blame.</summary>
    private static string Reflection(string trigger) => trigger is MoraleTriggers.WriteOff or MoraleTriggers.HandOff
        ? "\nWhen you're ready, a short look back helps the next engagement. Mistakes happen on every project, and you " +
          "cannot know whether yours were the client's reason for not paying or only their excuse, so do not carry it as " +
          "proof. Were there early signs you noticed and talked yourself out of (slow replies, small disputes)? Trust that " +
          "instinct next time. And screen new clients: references, the scope in writing, and milestone payments or a deposit " +
          "to limit the exposure."
        : "";
}
