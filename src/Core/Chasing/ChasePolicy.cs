using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Chasing;

public enum DecisionKind
{
    /// <summary>Post this reminder now (well, at the next allowed hour).</summary>
    Nudge,
    /// <summary>Put this step to a human.</summary>
    Proposal,
    /// <summary>A snoozed proposal whose snooze has ended, or one withdrawn during a hold that is over: put it to a human again.</summary>
    Resurface,
    /// <summary>Record the step as passed over (caught up, or no final notice before a suspension).</summary>
    Skip,
    /// <summary>The contract does not permit the step: record it as passed over and say what is missing.</summary>
    GuardNote,
    /// <summary>Nothing happens while the invoice is paused; the step that would have fired is named.</summary>
    Hold,
    /// <summary>A promise to pay was broken and nothing else can fire now: say so.</summary>
    BrokenPromiseNote,
}

public sealed record ChaseDecision(string? Step, DecisionKind Kind, string Reason)
{
    /// <summary>Whether the decision posts something a person acts on (not a record, a hold or a note).</summary>
    public bool Fires => Kind is DecisionKind.Nudge or DecisionKind.Proposal or DecisionKind.Resurface;
}

/// <summary>
/// The reminder rules, as one pure function over plain data: which reminder one invoice gets on one day. The harsh
/// rungs are a case's, decided by <see cref="CasePolicy"/>. No I/O, no clock.
/// </summary>
public static class ChasePolicy
{
    public static IReadOnlyList<ChaseDecision> Decide(InvoiceSituation s, DateOnly today, ChaseLadder ladder)
    {
        if (!s.Status.IsOutstanding())
            return [];
        var brokenPromise = s.PromisedFor is { } promised && promised < today;
        var pause = PauseReason(s, today);
        var decisions = Climb(s, today, ladder, brokenPromise && pause is null);
        if (pause is not null)
        {
            // Paused: decide nothing, record nothing; name what would have happened, for the plan.
            var wouldFire = decisions.FirstOrDefault(d => d.Fires);
            return wouldFire is null ? [] : [new ChaseDecision(wouldFire.Step, DecisionKind.Hold, pause)];
        }
        if (brokenPromise && !decisions.Any(d => d.Fires))
            decisions.Add(new ChaseDecision(null, DecisionKind.BrokenPromiseNote, BrokenPromise(s.PromisedFor)));
        return decisions;
    }

    /// <summary>"K-9 is disputed (…)", "K-9 is on hold: the client is paused": a hold reason said of one invoice.</summary>
    public static string Held(string number, string reason) =>
        reason.StartsWith("the client ", StringComparison.Ordinal) ? $"{number} is on hold: {reason}" : $"{number} is {reason}";

    public static string? PauseReason(InvoiceSituation s, DateOnly today) => s switch
    {
        { Reopened: true } => "owing again after it was paid, held until someone confirms with /chase reopen",
        { OpenDispute: { } reason } => $"disputed ({reason}) until resolved",
        { ResumesAfterDispute: { } resumes } when resumes > today => $"resolved after a dispute; chasing resumes on {resumes:d MMM}",
        { PromisedFor: { } promised } when promised >= today => $"promised to pay by {promised:d MMM}",
        { SnoozedUntil: { } until } when until > today => $"snoozed until {until:d MMM}",
        { ClientPaused: true, ClientPausedUntil: null } => "the client is paused",
        { ClientPaused: true, ClientPausedUntil: { } until } when until > today => $"the client is paused until {until:d MMM}",
        { HeldBySource: { } why } => why,
        { MissingFromExport: { } source } => $"missing from the latest {source} export: check whether it was paid",
        _ => null,
    };

    private static List<ChaseDecision> Climb(InvoiceSituation s, DateOnly today, ChaseLadder ladder, bool escalate)
    {
        var decisions = new List<ChaseDecision>();
        var daysLate = today.DayNumber - s.DueDate.DayNumber;
        var escalationStarted = ladder.Proposals.Any(p => p.Day <= daysLate) || s.CaseStarted;
        var firedSomething = false;

        // Once the client's case has started, or this invoice is old enough for its first rung, the invoice is the
        // case's: its texts list it, and a friendly reminder beside a formal notice would contradict them. Nothing is
        // decided or recorded for it here, so a first run on a long-unchased ledger writes one decision per case per
        // rung, not a row for every reminder each invoice missed.
        if (escalationStarted)
            return decisions;

        // Reminders: only the latest one due fires; earlier ones still unsent are recorded as skipped, never sent
        // in a burst.
        var dueNudges = ladder.Nudges.Where(n => n.Day <= daysLate && !s.Steps.ContainsKey(n.Id)).ToList();
        var latestDue = ladder.Nudges.LastOrDefault(n => n.Day <= daysLate);
        foreach (var nudge in dueNudges)
        {
            if (nudge.Id == ChaseLadder.HeadsUp && daysLate > 0)
                decisions.Add(new(nudge.Id, DecisionKind.Skip, "the due date has passed: a heads-up would no longer be true"));
            else if (nudge == latestDue)
            {
                decisions.Add(new(nudge.Id, DecisionKind.Nudge, $"{Text.Counted.Of(daysLate, "day")} past due" + (escalate ? "; " + BrokenPromise(s.PromisedFor) : "")));
                firedSomething = true;
            }
            else
                decisions.Add(new(nudge.Id, DecisionKind.Skip, $"caught up: {latestDue!.Id} is due"));
        }

        // A broken promise resumes the chase at the next reminder at once, even before its day.
        if (escalate && !firedSomething &&
            ladder.Nudges.FirstOrDefault(n => n.Day > daysLate && !s.Steps.ContainsKey(n.Id)) is { } next)
            decisions.Add(new(next.Id, DecisionKind.Nudge, BrokenPromise(s.PromisedFor)));
        return decisions;
    }

    public static string? GuardFails(StepGuard guard, ContractClauses clauses) => guard switch
    {
        StepGuard.ServiceChanges when clauses.PermitsServiceChanges != true =>
            "the contract does not permit service changes (not recorded counts as no)",
        StepGuard.OwnedUntilPaid when clauses.OwnedUntilPaid != true =>
            "the contract does not say the work stays yours until paid, so suspending access is not permitted (not recorded counts as no)",
        _ => null,
    };

    internal static string BrokenPromise(DateOnly? promisedFor) => $"the promise to pay by {promisedFor:d MMM} was broken";
}
