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

public sealed record ChaseDecision(string? Step, DecisionKind Kind, string Reason);

/// <summary>
/// The chase ladder's rules, as one pure function over plain data: what should happen to one invoice on one day.
/// No I/O, no clock: the planner loads the situation and applies the decisions.
/// </summary>
public static class ChasePolicy
{
    /// <param name="graceDays">Days after a date the client was given (pay by, suspended on) before the next rung may come.</param>
    public static IReadOnlyList<ChaseDecision> Decide(InvoiceSituation s, DateOnly today, ChaseLadder ladder, int minDaysBetweenSteps,
        int graceDays = ChaseOptions.DefaultGraceDays)
    {
        if (!s.Status.IsOutstanding())
            return [];
        var brokenPromise = s.PromisedFor is { } promised && promised < today;
        var pause = PauseReason(s, today);
        var decisions = Climb(s, today, ladder, minDaysBetweenSteps, graceDays, brokenPromise && pause is null);
        if (pause is not null)
        {
            // Paused: decide nothing, record nothing; name what would have happened, for the plan.
            var wouldFire = decisions.FirstOrDefault(d => d.Kind is DecisionKind.Nudge or DecisionKind.Proposal or DecisionKind.Resurface);
            return wouldFire is null ? [] : [new ChaseDecision(wouldFire.Step, DecisionKind.Hold, pause)];
        }
        if (brokenPromise && !decisions.Any(d => d.Kind is DecisionKind.Nudge or DecisionKind.Proposal or DecisionKind.Resurface))
            decisions.Add(new ChaseDecision(null, DecisionKind.BrokenPromiseNote, BrokenPromise(s.PromisedFor)));
        return decisions;
    }

    public static string? PauseReason(InvoiceSituation s, DateOnly today) => s switch
    {
        { OpenDispute: { } reason } => $"disputed ({reason}) until resolved",
        { PromisedFor: { } promised } when promised >= today => $"promised to pay by {promised:yyyy-MM-dd}",
        { SnoozedUntil: { } until } when until > today => $"snoozed until {until:yyyy-MM-dd}",
        { ClientPaused: true, ClientPausedUntil: null } => "the client is paused",
        { ClientPaused: true, ClientPausedUntil: { } until } when until > today => $"the client is paused until {until:yyyy-MM-dd}",
        { MissingFromExport: { } source } => $"missing from the latest {source} export: check whether it was paid",
        _ => null,
    };

    private static List<ChaseDecision> Climb(InvoiceSituation s, DateOnly today, ChaseLadder ladder, int minGap, int graceDays, bool escalate)
    {
        var decisions = new List<ChaseDecision>();
        var daysLate = today.DayNumber - s.DueDate.DayNumber;
        var escalationStarted = ladder.Proposals.Any(p => p.Day <= daysLate) || s.Proposals.Count > 0;
        // A broken promise resumes the chase at the next step, whichever kind it is, even before its day.
        var nextStep = ladder.Steps.FirstOrDefault(step => !s.Steps.ContainsKey(step.Id) && s.Proposals.All(p => p.Step != step.Id));
        var escalateProposals = escalate && nextStep?.Kind == StepKind.Proposal;

        var proposal = NextProposal(s, today, daysLate, ladder, minGap, graceDays, escalateProposals, decisions);
        var firedSomething = proposal;

        // Reminders: only the latest one due fires; earlier ones still unsent are recorded as skipped, never sent
        // in a burst. Once escalation has started, reminders that were not sent are passed over.
        var dueNudges = ladder.Nudges.Where(n => n.Day <= daysLate && !s.Steps.ContainsKey(n.Id)).ToList();
        var latestDue = ladder.Nudges.LastOrDefault(n => n.Day <= daysLate);
        foreach (var nudge in dueNudges)
        {
            if (escalationStarted)
                decisions.Add(new(nudge.Id, DecisionKind.Skip, "caught up: escalation has started"));
            else if (nudge.Id == ChaseLadder.HeadsUp && daysLate > 0)
                decisions.Add(new(nudge.Id, DecisionKind.Skip, "the due date has passed: a heads-up would no longer be true"));
            else if (nudge == latestDue)
            {
                decisions.Add(new(nudge.Id, DecisionKind.Nudge, $"{Text.Counted.Of(daysLate, "day")} past due" + (escalate ? "; " + BrokenPromise(s.PromisedFor) : "")));
                firedSomething = true;
            }
            else
                decisions.Add(new(nudge.Id, DecisionKind.Skip, $"caught up: {latestDue!.Id} is due"));
        }

        if (escalate && !firedSomething && !escalationStarted &&
            ladder.Nudges.FirstOrDefault(n => n.Day > daysLate && !s.Steps.ContainsKey(n.Id)) is { } next)
            decisions.Add(new(next.Id, DecisionKind.Nudge, BrokenPromise(s.PromisedFor)));
        return decisions;
    }

    /// <summary>
    /// Proposals climb one rung at a time: the rung after the last one decided, once its day has come and at least
    /// the minimum gap after the previous decision, and never while another awaits a decision.
    /// </summary>
    private static bool NextProposal(InvoiceSituation s, DateOnly today, int daysLate, ChaseLadder ladder, int minGap, int graceDays,
        bool escalate, List<ChaseDecision> decisions)
    {
        if (s.Proposals.FirstOrDefault(p => p.Status == ProposalStatus.Snoozed) is { } snoozed)
        {
            if (snoozed.SnoozedUntil is not { } until || until <= today)
            {
                decisions.Add(new(snoozed.Step, DecisionKind.Resurface, $"snoozed until {snoozed.SnoozedUntil:yyyy-MM-dd}; back for a decision"));
                return true;
            }
            return false;
        }
        if (s.Proposals.FirstOrDefault(p => p.Status == ProposalStatus.Withdrawn) is { } withdrawn)
        {
            // Withdrawn while chasing was on hold; the hold is over (a held invoice's decisions become a Hold).
            decisions.Add(new(withdrawn.Step, DecisionKind.Resurface, "withdrawn while chasing was on hold; back for a decision"));
            return true;
        }
        if (s.Proposals.Any(p => p.Status == ProposalStatus.Pending))
            return false;

        var rungs = ladder.Proposals.ToList();
        var lastDecision = s.Proposals.Where(p => p.DecidedOn is not null).Select(p => p.DecidedOn!.Value).DefaultIfEmpty().Max();
        var gapOk = s.Proposals.All(p => p.DecidedOn is null) || lastDecision.AddDays(minGap) <= today;
        // Deadlines are facts: a date the client was given holds the next rung until it (and the grace days) has passed,
        // and each rung keeps its distance in days from the last one approved, not only from the due date.
        var approved = s.Proposals.Where(p => p.Status == ProposalStatus.Approved && p.DecidedOn is not null).ToList();
        var heldUntil = approved.Select(p => ladder.ClientDeadline(p.Step, p.DecidedOn!.Value)).Where(d => d is not null)
            .Select(d => d!.Value.AddDays(graceDays)).DefaultIfEmpty(DateOnly.MinValue).Max();
        var lastApproved = approved.MaxBy(p => p.DecidedOn);
        foreach (var rung in rungs)
        {
            if (s.Steps.ContainsKey(rung.Id) || s.Proposals.Any(p => p.Step == rung.Id))
                continue; // Already proposed (and decided) or passed over.
            if (rung.Day > daysLate && !escalate)
                return false;
            if (!gapOk || today <= heldUntil)
                return false;
            if (lastApproved is not null && ladder.Find(lastApproved.Step) is { } previous &&
                today.DayNumber - lastApproved.DecidedOn!.Value.DayNumber < rung.Day - previous.Day)
                return false;
            if (GuardFails(rung.Guard, s.Clauses) is { } missing)
            {
                decisions.Add(new(rung.Id, DecisionKind.GuardNote, missing));
                continue; // Not a decision: the next rung may follow when its own day comes.
            }
            if (rung.Id == ChaseLadder.Suspension &&
                !s.Proposals.Any(p => p.Step == ChaseLadder.FinalNotice && p.Status == ProposalStatus.Approved))
            {
                decisions.Add(new(rung.Id, DecisionKind.Skip, "no final notice was sent, and a suspension always needs one first"));
                continue;
            }
            decisions.Add(new(rung.Id, DecisionKind.Proposal,
                $"{Text.Counted.Of(daysLate, "day")} past due" + (escalate ? "; " + BrokenPromise(s.PromisedFor) : "")));
            return true;
        }
        return false;
    }

    public static string? GuardFails(StepGuard guard, ContractClauses clauses) => guard switch
    {
        StepGuard.ServiceChanges when clauses.PermitsServiceChanges != true =>
            "the contract does not permit service changes (not recorded counts as no)",
        StepGuard.OwnedUntilPaid when clauses.OwnedUntilPaid != true =>
            "the contract does not say the work stays yours until paid, so suspending access is not permitted (not recorded counts as no)",
        _ => null,
    };

    private static string BrokenPromise(DateOnly? promisedFor) => $"the promise to pay by {promisedFor:yyyy-MM-dd} was broken";
}
