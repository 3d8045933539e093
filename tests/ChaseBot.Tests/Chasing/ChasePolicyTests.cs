using ChaseBot.Core.Chasing;
using ChaseBot.Core.Ledger;
using static ChaseBot.Core.Chasing.ChaseLadder;

namespace ChaseBot.Tests.Chasing;

/// <summary>The ladder's rules as a pure function: every rule users complain about when it is wrong.</summary>
public sealed class ChasePolicyTests
{
    private static readonly DateOnly Due = new(2026, 10, 1);

    private static InvoiceSituation Invoice(Dictionary<string, StepOutcome>? steps = null, ContractClauses? clauses = null) => new()
    {
        InvoiceId = 1, Number = "INV-1", DueDate = Due, Status = InvoiceStatus.Open, Steps = steps ?? [], Clauses = clauses ?? new(),
    };

    /// <summary>A case whose one invoice had its three reminders (the first reached the client on day 3), then these rungs of the case.</summary>
    private static CaseSituation Escalated(Dictionary<string, StepOutcome> rungs, List<ProposalState> proposals,
        ContractClauses? clauses = null, int? firstContactDay = 3) => new()
    {
        Currency = "NZD", Clauses = clauses ?? new(), Steps = rungs, Proposals = proposals,
        FirstContact = firstContactDay is { } contact ? Due.AddDays(contact) : null,
        ContactDays = firstContactDay is { } day ? [Due.AddDays(day)] : [],
        Invoices = [Invoice(new() { [Reminder1] = StepOutcome.Sent, [Reminder2] = StepOutcome.Sent, [Reminder3] = StepOutcome.Sent }, clauses)],
    };

    /// <summary>What the client's chase decides: the case's rung first, then the invoice's reminders.</summary>
    private static IReadOnlyList<ChaseDecision> On(CaseSituation c, int daysLate, ChaseLadder? ladder = null)
    {
        var decided = CasePolicy.Decide(c, Due.AddDays(daysLate), ladder ?? Default, minDaysBetweenSteps: 7);
        return [.. decided.Rungs, .. decided.Invoices.SelectMany(i => i.Decisions)];
    }

    private static IReadOnlyList<ChaseDecision> On(InvoiceSituation s, int daysLate, ChaseLadder? ladder = null) =>
        On(new CaseSituation { Currency = "NZD", Clauses = s.Clauses, Invoices = [s] }, daysLate, ladder);

    private static string Summary(IEnumerable<ChaseDecision> decisions) =>
        string.Join(", ", decisions.Select(d => $"{d.Kind}:{d.Step}"));

    [Theory]
    [InlineData(2, "")]
    [InlineData(3, "Nudge:reminder-1")]
    [InlineData(6, "Nudge:reminder-1")]
    [InlineData(7, "Skip:reminder-1, Nudge:reminder-2")]
    [InlineData(14, "Skip:reminder-1, Skip:reminder-2, Nudge:reminder-3")]
    [InlineData(21, "Proposal:late-notice")] // the case's rung: its reminders are not decided one by one any more
    public void A_fresh_invoice_gets_only_the_latest_step_due_and_the_rest_recorded_as_skipped(int daysLate, string expected) =>
        Assert.Equal(expected, Summary(On(Invoice(), daysLate)));

    [Fact]
    public void An_invoice_first_seen_67_days_late_gets_the_late_notice_proposal_and_no_reminders()
    {
        var decisions = On(Invoice(), 67);
        Assert.Equal("Proposal:late-notice", Summary(decisions));
    }

    [Fact]
    public void An_invoice_that_falls_due_while_its_clients_case_is_open_gets_no_reminder_of_its_own()
    {
        var open = Escalated(new() { [LateNotice] = StepOutcome.Proposed },
            [new(LateNotice, ProposalStatus.Approved, Due.AddDays(21), Due.AddDays(22), null)]);
        var withNew = open with { Invoices = [.. open.Invoices, Invoice() with { InvoiceId = 2, Number = "INV-2", DueDate = Due.AddDays(20) }] };

        Assert.Equal("", Summary(On(withNew, 27))); // INV-2 is 7 days late: reminder-2's day, but the case's next text lists it
    }

    [Fact]
    public void A_step_already_taken_never_fires_again()
    {
        var sent = Invoice(new() { [Reminder1] = StepOutcome.Sent });
        Assert.Empty(On(sent, 3));
        Assert.Empty(On(sent, 6));
        Assert.Equal("Nudge:reminder-2", Summary(On(sent, 7)));
    }

    [Fact]
    public void The_heads_up_before_the_due_date_is_off_by_default_and_fires_three_days_before_when_on()
    {
        Assert.Empty(On(Invoice(), -3));
        var ladder = FromOptions(new Dictionary<string, LadderStepOptions> { [HeadsUp] = new() { Enabled = true } }, out var errors);
        Assert.Empty(errors);
        Assert.Empty(On(Invoice(), -4, ladder));
        Assert.Equal("Nudge:heads-up", Summary(On(Invoice(), -3, ladder)));
    }

    [Theory]
    [InlineData(-3, "Nudge:heads-up")]
    [InlineData(0, "Nudge:heads-up")]
    [InlineData(1, "Skip:heads-up")] // the Worker was down over the due date: no "due soon" for an invoice already late
    public void A_heads_up_is_never_sent_after_the_due_date(int daysLate, string expected)
    {
        var ladder = new ChaseLadder(Defaults.Select(s => s.Id == HeadsUp ? s with { Enabled = true } : s));
        Assert.Equal(expected, Summary(On(Invoice(), daysLate, ladder)));
    }

    [Fact]
    public void While_a_proposal_awaits_a_decision_nothing_further_is_proposed()
    {
        var pending = Escalated(new() { [LateNotice] = StepOutcome.Proposed },
            [new(LateNotice, ProposalStatus.Pending, Due.AddDays(21), null, null)]);
        Assert.Empty(On(pending, 60));
    }

    [Fact]
    public void Proposals_climb_one_rung_at_a_time_after_the_minimum_gap_since_the_last_decision()
    {
        var approvedOnDay30 = Escalated(new() { [LateNotice] = StepOutcome.Proposed },
            [new(LateNotice, ProposalStatus.Approved, Due.AddDays(21), Due.AddDays(30), null)],
            new ContractClauses { PermitsServiceChanges = true });

        Assert.Empty(On(approvedOnDay30, 36)); // service reduction's day (28) has come, but only 6 days since the decision
        Assert.Empty(On(approvedOnDay30, 38)); // and the notice's "pay by" (day 37) and its 2 grace days have not passed
        Assert.Equal("Proposal:service-reduction", Summary(On(approvedOnDay30, 39)));
    }

    [Fact]
    public void A_late_invoice_never_jumps_to_suspension_a_final_notice_always_comes_first()
    {
        var clauses = new ContractClauses { PermitsServiceChanges = true, OwnedUntilPaid = true };
        var situation = Escalated(new() { [LateNotice] = StepOutcome.Proposed, [ServiceReduction] = StepOutcome.Proposed },
            [
                new(LateNotice, ProposalStatus.Approved, Due.AddDays(21), Due.AddDays(22), null),
                new(ServiceReduction, ProposalStatus.Approved, Due.AddDays(29), Due.AddDays(30), null),
            ], clauses);

        Assert.Equal("Proposal:final-notice", Summary(On(situation, 80)));
    }

    [Theory]
    [InlineData(40, 44, "Hold:final-notice")] // the invoice first reached the client (after its due date) 4 days ago
    [InlineData(37, 44, "Proposal:final-notice")] // 7 days ago: a consequence may now be threatened over it
    public void A_final_notice_threatens_nothing_over_an_invoice_the_client_was_not_told_of_seven_days_before(int namedDay, int day, string expected)
    {
        // Contact began before this invoice fell due (an earlier invoice, since paid): only a message after its due date names it.
        var situation = Escalated(new() { [LateNotice] = StepOutcome.Proposed },
            [new(LateNotice, ProposalStatus.Approved, Due.AddDays(21), Due.AddDays(22), null)], firstContactDay: -20) with
        {
            ContactDays = [Due.AddDays(-20), Due.AddDays(namedDay)],
        };

        var decided = On(situation, day);

        Assert.Equal(expected, Summary(decided.Where(d => d.Step == FinalNotice)));
        if (expected.StartsWith("Hold", StringComparison.Ordinal))
            Assert.Contains("a final notice threatens nothing over an invoice named for the first time", decided.Single(d => d.Step == FinalNotice).Reason);
    }

    [Fact]
    public void A_rejected_rung_is_closed_and_the_ladder_moves_on_when_the_next_day_comes()
    {
        var rejected = Escalated(new() { [LateNotice] = StepOutcome.Proposed },
            [new(LateNotice, ProposalStatus.Rejected, Due.AddDays(21), Due.AddDays(21), null)],
            new ContractClauses { PermitsServiceChanges = true });

        Assert.Empty(On(rejected, 27));
        Assert.Equal("Proposal:service-reduction", Summary(On(rejected, 28)));
    }

    [Fact]
    public void A_rejected_final_notice_means_no_suspension_is_ever_proposed()
    {
        var clauses = new ContractClauses { PermitsServiceChanges = true, OwnedUntilPaid = true };
        var situation = Escalated(
            new() { [LateNotice] = StepOutcome.Proposed, [ServiceReduction] = StepOutcome.Proposed, [FinalNotice] = StepOutcome.Proposed },
            [
                new(LateNotice, ProposalStatus.Approved, Due.AddDays(21), Due.AddDays(21), null),
                new(ServiceReduction, ProposalStatus.Approved, Due.AddDays(28), Due.AddDays(28), null),
                new(FinalNotice, ProposalStatus.Rejected, Due.AddDays(35), Due.AddDays(35), null),
            ], clauses);

        Assert.Equal("Skip:suspension, Proposal:hand-off", Summary(On(situation, 63)));
    }

    [Fact]
    public void A_snoozed_proposal_comes_back_when_the_snooze_ends_and_blocks_the_ladder_until_then()
    {
        var snoozed = Escalated(new() { [LateNotice] = StepOutcome.Proposed },
            [new(LateNotice, ProposalStatus.Snoozed, Due.AddDays(21), Due.AddDays(21), Due.AddDays(28))]);

        Assert.Empty(On(snoozed, 27));
        Assert.Equal("Resurface:late-notice", Summary(On(snoozed, 28)));
    }

    [Fact]
    public void A_step_the_contract_does_not_permit_is_not_proposed_and_says_what_is_missing()
    {
        var unknownClauses = Escalated(new() { [LateNotice] = StepOutcome.Proposed },
            [new(LateNotice, ProposalStatus.Approved, Due.AddDays(21), Due.AddDays(21), null)]);

        var decisions = On(unknownClauses, 31); // after the late notice's "pay by" (day 28) and its grace days

        var note = Assert.Single(decisions);
        Assert.Equal((ServiceReduction, DecisionKind.GuardNote), (note.Step, note.Kind));
        Assert.Contains("does not permit service changes", note.Reason);
    }

    [Fact]
    public void Suspension_needs_the_owned_until_paid_clause()
    {
        var noOwnership = Escalated(
            new() { [LateNotice] = StepOutcome.Proposed, [ServiceReduction] = StepOutcome.Skipped, [FinalNotice] = StepOutcome.Proposed },
            [
                new(LateNotice, ProposalStatus.Approved, Due.AddDays(21), Due.AddDays(21), null),
                new(FinalNotice, ProposalStatus.Approved, Due.AddDays(35), Due.AddDays(35), null),
            ]);

        Assert.Equal("GuardNote:suspension", Summary(On(noOwnership, 52)));
        Assert.Equal("GuardNote:suspension, Proposal:hand-off", Summary(On(noOwnership, 63)));
    }

    [Theory]
    [InlineData(50, "")] // the final notice (day 35) asked for payment by day 49: nothing on it, nor the day after
    [InlineData(51, "GuardNote:suspension, Proposal:hand-off")] // the referral date it named (49 + 2 grace days), though the ladder says day 63
    public void A_referral_a_final_notice_named_is_proposed_on_that_date_not_when_the_ladder_would_bring_the_hand_off(int day, string expected)
    {
        var referral = Escalated(
            new() { [LateNotice] = StepOutcome.Proposed, [ServiceReduction] = StepOutcome.Skipped, [FinalNotice] = StepOutcome.Proposed },
            [
                new(LateNotice, ProposalStatus.Approved, Due.AddDays(21), Due.AddDays(21), null),
                new(FinalNotice, ProposalStatus.Approved, Due.AddDays(35), Due.AddDays(35), null),
            ], new ContractClauses { PermitsReferral = true, ReferTo = "Acme Collections Ltd" });

        Assert.Equal(expected, Summary(On(referral, day)));
    }

    [Theory]
    [InlineData(21, "")] // the third reminder (day 14) asked for payment by day 21: never on that day
    [InlineData(22, "")] // nor before the grace days have passed
    [InlineData(23, "Proposal:late-notice")]
    public void The_first_rung_waits_for_the_date_the_last_delivered_reminder_gave_and_the_grace_days(int day, string expected)
    {
        var reminded = new CaseSituation
        {
            Currency = "NZD", FirstContact = Due.AddDays(3), PayByGiven = Due.AddDays(21),
            Invoices = [Invoice(new() { [Reminder1] = StepOutcome.Sent, [Reminder2] = StepOutcome.Sent, [Reminder3] = StepOutcome.Sent })],
        };

        Assert.Equal(expected, Summary(On(reminded, day).Where(d => d.Kind != DecisionKind.Skip)));
    }

    [Theory]
    [InlineData(null, 35, "Hold:final-notice")] // nothing ever reached them: a final notice is never the first message
    [InlineData(30, 43, "Hold:final-notice")] // first contact on day 30: the final notice waits for day 44
    [InlineData(30, 44, "Proposal:final-notice")]
    [InlineData(3, 35, "Proposal:final-notice")]
    public void A_final_notice_needs_two_weeks_since_the_first_message_reached_the_client(int? firstContactDay, int day, string expected)
    {
        var situation = Escalated(new() { [LateNotice] = StepOutcome.Proposed, [ServiceReduction] = StepOutcome.Skipped },
            [new(LateNotice, ProposalStatus.Approved, Due.AddDays(21), Due.AddDays(21), null)], firstContactDay: firstContactDay);

        Assert.Equal(expected, Summary(On(situation, day)));
        if (expected.StartsWith("Hold", StringComparison.Ordinal))
            Assert.Equal(firstContactDay is null
                ? "nothing from you has reached the client yet (no reminder or notice emailed or marked as sent); a final notice is never the first message"
                : "the first message reached the client on 31 Oct; a final notice comes 14 days after that, from 14 Nov (Chase:MinContactDaysBeforeFinal)",
                On(situation, day)[0].Reason);
    }

    [Theory]
    [InlineData(35, 50, "")] // the final notice said "pay by day 49", and "from day 51": not before that
    [InlineData(35, 51, "Proposal:suspension")] // on the day it named, not days later
    [InlineData(45, 60, "")] // approved ten days late: its own date (day 59) holds, not the ladder's day 49
    [InlineData(45, 61, "Proposal:suspension")]
    public void Suspension_is_never_proposed_before_the_final_notices_own_deadline_has_passed(int finalApprovedOn, int day, string expected)
    {
        var situation = Escalated(
            new() { [LateNotice] = StepOutcome.Proposed, [ServiceReduction] = StepOutcome.Skipped, [FinalNotice] = StepOutcome.Proposed },
            [
                new(LateNotice, ProposalStatus.Approved, Due.AddDays(21), Due.AddDays(21), null),
                new(FinalNotice, ProposalStatus.Approved, Due.AddDays(35), Due.AddDays(finalApprovedOn), null),
            ], new ContractClauses { OwnedUntilPaid = true });

        Assert.Equal(expected, Summary(On(situation, day)));
    }

    [Theory]
    [InlineData(InvoiceStatus.Paid)]
    [InlineData(InvoiceStatus.Void)]
    [InlineData(InvoiceStatus.Draft)]
    public void Settled_void_and_draft_invoices_are_never_chased(InvoiceStatus status) =>
        Assert.Empty(On(Invoice() with { Status = status }, 30));

    [Fact]
    public void A_partly_paid_invoice_keeps_being_chased() =>
        Assert.Equal("Nudge:reminder-1", Summary(On(Invoice() with { Status = InvoiceStatus.PartiallyPaid }, 3)));

    public static TheoryData<InvoiceSituation, string> Pauses => new()
    {
        { Invoice() with { OpenDispute = "scope" }, "disputed" },
        { Invoice() with { PromisedFor = Due.AddDays(10) }, "promised to pay by 11 Oct" },
        { Invoice() with { SnoozedUntil = Due.AddDays(9) }, "snoozed until 10 Oct" },
        { Invoice() with { ClientPaused = true }, "the client is paused" },
        { Invoice() with { ClientPaused = true, ClientPausedUntil = Due.AddDays(9) }, "paused until 10 Oct" },
        { Invoice() with { MissingFromExport = "xero" }, "missing from the latest xero export" },
    };

    [Theory]
    [MemberData(nameof(Pauses))]
    public void A_paused_invoice_records_nothing_and_names_the_step_it_holds_back(InvoiceSituation paused, string reason)
    {
        var decision = Assert.Single(On(paused, 7));
        Assert.Equal((Reminder2, DecisionKind.Hold), (decision.Step, decision.Kind));
        Assert.Contains(reason, decision.Reason);
    }

    [Fact]
    public void When_a_snooze_or_client_pause_ends_the_chase_resumes()
    {
        Assert.Equal("Skip:reminder-1, Nudge:reminder-2", Summary(On(Invoice() with { SnoozedUntil = Due.AddDays(7) }, 7)));
        Assert.Equal("Skip:reminder-1, Nudge:reminder-2",
            Summary(On(Invoice() with { ClientPaused = true, ClientPausedUntil = Due.AddDays(7) }, 7)));
    }

    [Fact]
    public void A_broken_promise_resumes_the_chase_at_the_next_step_at_once_and_says_so()
    {
        var broken = Invoice(new() { [Reminder1] = StepOutcome.Sent }) with { PromisedFor = Due.AddDays(4) };

        var decision = Assert.Single(On(broken, 5)); // reminder-2 is not due until day 7
        Assert.Equal((Reminder2, DecisionKind.Nudge), (decision.Step, decision.Kind));
        Assert.Contains("promise to pay by 5 Oct was broken", decision.Reason);
    }

    [Fact]
    public void A_broken_promise_while_a_proposal_waits_is_still_said()
    {
        var escalated = Escalated(new() { [LateNotice] = StepOutcome.Proposed },
            [new(LateNotice, ProposalStatus.Pending, Due.AddDays(21), null, null)]);
        var waiting = escalated with { Invoices = [escalated.Invoices[0] with { PromisedFor = Due.AddDays(22) }] };

        var decision = Assert.Single(On(waiting, 25));
        Assert.Equal(DecisionKind.BrokenPromiseNote, decision.Kind);
    }

    [Fact]
    public void Ladder_configuration_is_validated()
    {
        FromOptions(new Dictionary<string, LadderStepOptions>
        {
            ["reminder-9"] = new() { Day = 3 },
            [Reminder2] = new() { Day = 2 },
            [Suspension] = new() { NeedsApproval = false },
            [LateNotice] = new() { Guard = "Sometimes" },
        }, out var errors);

        Assert.Contains(errors, e => e.Contains("reminder-9 is not a step"));
        Assert.Contains(errors, e => e.Contains("reminder-2 (day 2) must come after reminder-1"));
        Assert.Contains(errors, e => e.Contains("suspension always needs a human decision"));
        Assert.Contains(errors, e => e.Contains("Guard is 'Sometimes'"));
    }

    [Fact]
    public void Days_and_steps_come_from_configuration()
    {
        var ladder = FromOptions(new Dictionary<string, LadderStepOptions>
        {
            [Reminder1] = new() { Day = 1 },
            [Reminder3] = new() { Enabled = false },
            [LateNotice] = new() { NeedsApproval = false },
        }, out var errors);

        Assert.Empty(errors);
        Assert.Equal("Nudge:reminder-1", Summary(On(Invoice(), 1, ladder)));
        Assert.DoesNotContain(ladder.Steps, s => s.Id == Reminder3);
        Assert.Equal(StepKind.Nudge, ladder.Find(LateNotice)!.Kind);
    }
}
