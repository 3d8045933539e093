using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Chasing;

/// <summary>What one case's chase decides on one day: the case's rung, and each of its invoices' reminders.</summary>
/// <param name="Rungs">The case's decisions: at most one proposal (or one brought back), the rungs passed over, or a hold.</param>
/// <param name="Covered">The overdue invoices a rung proposed today is about (held ones are left out).</param>
public sealed record CaseDecisions(IReadOnlyList<ChaseDecision> Rungs, IReadOnlyList<InvoiceSituation> Covered,
    IReadOnlyList<(InvoiceSituation Invoice, IReadOnlyList<ChaseDecision> Decisions)> Invoices)
{
    public ChaseDecision? Proposal => Rungs.FirstOrDefault(d => d.Kind is DecisionKind.Proposal or DecisionKind.Resurface);
}

/// <summary>
/// The ladder's harsh rungs, decided once per client and currency over every overdue invoice (a pure function, like
/// <see cref="ChasePolicy"/>). One proposal waits at a time; each rung comes no sooner than its day counted from the
/// oldest overdue invoice's due date, its distance from the last approved rung, the minimum gap after the last decision,
/// and never before a date the client was given (plus the grace days) has passed.
/// </summary>
public static class CasePolicy
{
    public static CaseDecisions Decide(CaseSituation c, DateOnly today, ChaseLadder ladder, int minDaysBetweenSteps,
        int graceDays = ChaseOptions.DefaultGraceDays, int minContactDays = ChaseOptions.DefaultMinContactDaysBeforeFinal)
    {
        var overdue = c.Invoices.Where(i => i.Status.IsOutstanding() && i.DueDate < today).ToList();
        var chaseable = Chaseable(c.Invoices, today);
        IReadOnlyList<ChaseDecision> rungs = [];
        if (overdue.Count > 0)
        {
            var counted = chaseable.Count > 0 ? chaseable : overdue;
            var daysLate = counted.Max(i => today.DayNumber - i.DueDate.DayNumber);
            // A broken promise brings the next rung at once, when the next thing the invoice would get is a rung.
            var broken = chaseable.FirstOrDefault(i => i.PromisedFor is { } promised && promised < today &&
                ladder.Steps.FirstOrDefault(step => !i.Steps.ContainsKey(step.Id) && !c.Steps.ContainsKey(step.Id) &&
                                                    c.Proposals.All(p => p.Step != step.Id))?.Kind == StepKind.Proposal);
            var climbed = Climb(c, today, daysLate, counted.Count, ladder, minDaysBetweenSteps, graceDays, broken, minContactDays);
            rungs = chaseable.Count > 0 ? climbed : climbed.FirstOrDefault(d => d.Fires) is { } wouldFire
                ? [new ChaseDecision(wouldFire.Step, DecisionKind.Hold, HeldReason(c, overdue, today))]
                : [];
        }
        var proposed = rungs.Any(d => d.Kind == DecisionKind.Proposal);
        var invoices = c.Invoices.Select(i =>
        {
            var decisions = ChasePolicy.Decide(i with { CaseStarted = c.Started || proposed }, today, ladder);
            // The case's proposal says the promise was broken; a separate note would say it twice.
            if (rungs.Any(d => d.Fires && d.Reason.Contains(ChasePolicy.BrokenPromise(i.PromisedFor), StringComparison.Ordinal)))
                decisions = [.. decisions.Where(d => d.Kind != DecisionKind.BrokenPromiseNote)];
            return (i, decisions);
        }).ToList();
        return new CaseDecisions(rungs, rungs.Any(d => d.Fires) ? chaseable : [], invoices);
    }

    /// <summary>The invoices a case's text is about on <paramref name="today"/>: outstanding, overdue and not on hold.</summary>
    public static List<InvoiceSituation> Chaseable(IEnumerable<InvoiceSituation> invoices, DateOnly today) =>
        invoices.Where(i => i.Status.IsOutstanding() && i.DueDate < today && ChasePolicy.PauseReason(i, today) is null).ToList();

    /// <summary>
    /// Why a final notice may not be proposed yet: nothing has reached the client, or not for long enough. A final notice
    /// is never anyone's first message from us.
    /// </summary>
    public static string? FinalNoticeTooSoon(CaseSituation c, DateOnly today, int minContactDays) => c.FirstContact switch
    {
        null => "nothing from you has reached the client yet (no reminder or notice emailed or marked as sent); a final notice is never the first message",
        { } first when today.DayNumber - first.DayNumber < minContactDays =>
            $"the first message reached the client on {first:d MMM}; a final notice comes {Text.Counted.Of(minContactDays, "day")} after that, from {first.AddDays(minContactDays):d MMM} (Chase:MinContactDaysBeforeFinal)",
        _ when !Chaseable(c.Invoices, today).Any(i => CaseHistory.NamedLongEnough(c.ContactDays, i.DueDate, today)) =>
            $"no overdue invoice has been before the client for {Text.Counted.Of(CaseHistory.NamedDaysBeforeThreat, "day")} yet (a message must reach them after it fell due); a final notice threatens nothing over an invoice named for the first time",
        _ => null,
    };

    /// <summary>Whether a final notice names a referral date: the contract allows a referral (and names who) but no suspension.</summary>
    public static bool ReferralNamed(CaseSituation c) =>
        c.Clauses is { OwnedUntilPaid: not true, PermitsReferral: true, ReferTo: not null };

    /// <summary>Every overdue invoice is on hold: the client's pause, or each invoice's own reason.</summary>
    private static string HeldReason(CaseSituation c, IReadOnlyList<InvoiceSituation> overdue, DateOnly today)
    {
        var reasons = overdue.Select(i => (i.Number, Reason: ChasePolicy.PauseReason(i, today)!)).ToList();
        if (reasons.Select(r => r.Reason).Distinct().Count() == 1 && overdue[0].ClientPaused)
            return reasons[0].Reason;
        return overdue.Count == 1
            ? ChasePolicy.Held(reasons[0].Number, reasons[0].Reason)
            : "every overdue invoice is on hold: " + string.Join("; ", reasons.Select(r => ChasePolicy.Held(r.Number, r.Reason)));
    }

    private static List<ChaseDecision> Climb(CaseSituation c, DateOnly today, int daysLate, int overdueCount, ChaseLadder ladder,
        int minGap, int graceDays, InvoiceSituation? brokenPromise, int minContactDays)
    {
        var decisions = new List<ChaseDecision>();
        var escalate = brokenPromise is not null;
        var because = (overdueCount == 1 ? $"{Text.Counted.Of(daysLate, "day")} past due"
                          : $"{Text.Counted.Of(overdueCount, "invoice")} overdue, the oldest {Text.Counted.Of(daysLate, "day")} past due") +
                      (brokenPromise is null ? "" : $"; {ChasePolicy.BrokenPromise(brokenPromise.PromisedFor)} ({brokenPromise.Number})");
        if (c.Proposals.FirstOrDefault(p => p.Status == ProposalStatus.Snoozed) is { } snoozed)
        {
            if (snoozed.SnoozedUntil is not { } until || until <= today)
                decisions.Add(new(snoozed.Step, DecisionKind.Resurface, snoozed.Reason == ProposalDecisions.RemindedFirst
                    ? $"a reminder went first on {snoozed.DecidedOn:d MMM}, and its date has passed; back for a decision"
                    : $"snoozed until {snoozed.SnoozedUntil:d MMM}; back for a decision"));
            return decisions;
        }
        if (c.Proposals.FirstOrDefault(p => p.Status == ProposalStatus.Withdrawn) is { } withdrawn)
        {
            // Withdrawn because what it was about changed (paid, disputed, promised, snoozed, paused); chasing may go on.
            decisions.Add(new(withdrawn.Step, DecisionKind.Resurface, $"put again with today's invoices and figures: {because}"));
            return decisions;
        }
        if (c.Proposals.Any(p => p.Status == ProposalStatus.Pending))
            return decisions;

        var lastDecision = c.Proposals.Where(p => p.DecidedOn is not null).Select(p => p.DecidedOn!.Value).DefaultIfEmpty().Max();
        var gapOk = c.Proposals.All(p => p.DecidedOn is null) || lastDecision.AddDays(minGap) <= today;
        // Deadlines are facts: a date the client was given holds the next rung until it (and the grace days) has passed,
        // and each rung keeps its distance in days from the last one approved, not only from the due date.
        var approved = c.Proposals.Where(p => p.Status == ProposalStatus.Approved && p.DecidedOn is not null).ToList();
        var heldUntil = approved.Select(p => ladder.ClientDeadline(p.Step, p.DecidedOn!.Value)).Where(d => d is not null)
            .Select(d => EscalationArtifacts.ConsequenceFrom(d!.Value, graceDays)).DefaultIfEmpty(DateOnly.MinValue).Max();
        // A "pay by" a reminder gave holds the first rung too: the next step never lands on a date we gave the client.
        if (c.PayByGiven is { } given && EscalationArtifacts.ConsequenceFrom(given, graceDays) > heldUntil)
            heldUntil = EscalationArtifacts.ConsequenceFrom(given, graceDays);
        var lastApproved = approved.MaxBy(p => p.DecidedOn);
        foreach (var rung in ladder.Proposals)
        {
            if (c.Steps.ContainsKey(rung.Id) || c.Proposals.Any(p => p.Step == rung.Id))
                continue; // Already proposed (and decided) or passed over.
            // A final notice that named a referral date (no suspension clause, a referral one) made the hand-off that
            // date's rung: it comes on that day, not when the ladder's own spacing would bring it.
            var named = rung.Id == ChaseLadder.HandOff && ReferralNamed(c) && approved.Any(p => p.Step == ChaseLadder.FinalNotice);
            if (rung.Day > daysLate && !escalate && !named)
                break;
            if (!gapOk || today < heldUntil)
                break; // the day the text named for it (deadline plus grace days), never sooner, and not days later
            if (!named && lastApproved is not null && ladder.Find(lastApproved.Step) is { } previous &&
                today.DayNumber - lastApproved.DecidedOn!.Value.DayNumber < rung.Day - previous.Day)
                break;
            if (ChasePolicy.GuardFails(rung.Guard, c.Clauses) is { } missing)
            {
                decisions.Add(new(rung.Id, DecisionKind.GuardNote, missing));
                continue; // Not a decision: the next rung may follow when its own day comes.
            }
            if (rung.Id == ChaseLadder.FinalNotice && FinalNoticeTooSoon(c, today, minContactDays) is { } tooSoon)
            {
                decisions.Add(new(rung.Id, DecisionKind.Hold, tooSoon));
                break; // decided afresh each run: it comes once the client has heard from us for long enough
            }
            if (rung.Requires is var (first, why) && !c.Proposals.Any(p => p.Step == first && p.Status == ProposalStatus.Approved))
            {
                decisions.Add(new(rung.Id, DecisionKind.Skip, why));
                continue;
            }
            decisions.Add(new(rung.Id, DecisionKind.Proposal, because));
            break;
        }
        return decisions;
    }
}
