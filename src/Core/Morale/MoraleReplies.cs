namespace ChaseBot.Core.Morale;

/// <summary>What ChaseBot says back. Plain, human, short; never a lecture.</summary>
public static class MoraleReplies
{
    public const string Steady = "steady";
    public const string Stretched = "stretched";
    public const string Rough = "rough";

    public static readonly string[] Answers = [Steady, Stretched, Rough];

    public static string For(string answer, string trigger) => answer switch
    {
        Steady => "Good to hear. The schedule keeps the routine going; nothing else needs you today." + Reflection(trigger),
        Stretched =>
            "Thanks for saying so. One thing for today: pick the single largest overdue invoice and send its draft; " +
            "leave the rest to the schedule. If the list keeps growing, that is a conversation for your manager, not more evenings." +
            Reflection(trigger),
        _ =>
            "That sounds hard, and it is worth saying out loud. Some perspective: late payment is nearly always about the " +
            "client's cash flow or disorganisation, not your work or you. A complaint that appears only when the invoice is " +
            "due is often an excuse to delay rather than the reason. And recovering money is the company's job (your manager's, " +
            "and legal's if it comes to that), not yours alone.\n" +
            "One concrete step: send your manager the overdue list today and agree who makes the next call." + Reflection(trigger),
    };

    /// <summary>After a lost engagement, a short look back that helps the next one.</summary>
    private static string Reflection(string trigger) => trigger is MoraleTriggers.WriteOff or MoraleTriggers.HandOff
        ? "\nWhen you're ready, a short look back helps the next engagement: were there early signs (slow replies, small " +
          "disputes)? Was the scope written down and agreed? Would milestone payments or a deposit have limited the exposure?"
        : "";
}
