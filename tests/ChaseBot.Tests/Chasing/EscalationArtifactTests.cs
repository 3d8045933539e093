using ChaseBot.Core.Chasing;

namespace ChaseBot.Tests.Chasing;

/// <summary>The client-facing texts say only what is true: overdue totals of overdue invoices, no unrecorded history, no threat the contract does not allow.</summary>
public sealed class EscalationArtifactTests
{
    private static readonly DateOnly Today = new(2026, 12, 5);
    private static readonly ChaseLadder Ladder = ChaseLadder.FromOptions(new Dictionary<string, LadderStepOptions>(), out _);

    private static InvoiceView Invoice(long id, string number, decimal due, int daysLate) =>
        new(id, number, "USD", due, due, null, Today.AddDays(-daysLate), daysLate);

    private static CaseView BlueRidge(bool maySuspend = false, CaseHistory? history = null) => new(
        new ClientView(1, "Blue Ridge Outfitters", "ap@blueridge.example", null, "owner", "#ar", null, maySuspend), "USD",
        [Invoice(1, "1001", 4500m, 64), Invoice(2, "1004", 12750m, 1)], [Invoice(3, "1007", 236000m, -14)], history ?? CaseHistory.None);

    private static string FinalNotice(bool maySuspend, CaseHistory? history = null) =>
        EscalationArtifacts.For(ChaseLadder.FinalNotice, BlueRidge(maySuspend, history), Today, Ladder, "Accounts team");

    /// <summary>docs/extending.md: a new proposal rung needs its own text; this fails until it has one.</summary>
    [Fact]
    public void Every_rung_a_human_approves_has_a_text_of_its_own_not_the_plain_fallback()
    {
        var proposals = ChaseLadder.Defaults.Where(s => s.Kind == StepKind.Proposal).Select(s => s.Id).Append(ChaseLadder.RestoreAccess).ToList();
        Assert.Contains(ChaseLadder.HandOff, proposals);

        foreach (var step in proposals)
            Assert.False(EscalationArtifacts.For(step, BlueRidge(maySuspend: true), Today, Ladder, "Accounts team").StartsWith($"{step} for ", StringComparison.Ordinal),
                $"{step} has no text of its own in EscalationArtifacts.For");
        Assert.StartsWith("a-new-rung for Blue Ridge Outfitters", EscalationArtifacts.For("a-new-rung", BlueRidge(), Today, Ladder, "Accounts team"));
    }

    [Fact]
    public void An_invoice_named_for_the_first_time_in_a_final_notice_is_also_now_due_outside_its_total_and_its_threat()
    {
        // Reminders reached the client 20 and 10 days ago: 1001 (64 days late) was in both; 1004 fell due yesterday.
        var history = new CaseHistory([new TakenStep(ChaseLadder.LateNotice, Today.AddDays(-20))], [],
            [new TakenStep(ChaseLadder.Reminder2, Today.AddDays(-20)), new TakenStep(ChaseLadder.LateNotice, Today.AddDays(-10))]);

        var text = FinalNotice(maySuspend: true, history);

        Assert.Contains("Subject: Final notice — USD 4,500.00 overdue", text);
        Assert.Contains("Total overdue: USD 4,500.00\n", text);
        Assert.Contains("Also now due (not part of this notice; please include it in your payment if you can):\n  • 1004: USD 12,750.00, due 4 December 2026", text);
        Assert.DoesNotContain("1004: USD 12,750.00, due 4 December 2026 (1 day late)", text); // not among the invoices the threat is about
        Assert.Contains("we may suspend access to the services we provide from", text);
    }

    [Fact]
    public void A_hand_off_tells_the_client_only_where_a_referral_is_allowed_and_names_who_and_the_amount_but_no_date()
    {
        var sent = new CaseHistory([new TakenStep(ChaseLadder.FinalNotice, Today.AddDays(-20))], [], [new TakenStep(ChaseLadder.FinalNotice, Today.AddDays(-20))]);
        var referred = BlueRidge(history: sent) with { Client = BlueRidge().Client with { ReferTo = "Acme Collections Ltd" } };

        var withReferral = EscalationArtifacts.For(ChaseLadder.HandOff, referred, Today, Ladder, "Accounts team");
        var without = EscalationArtifacts.For(ChaseLadder.HandOff, BlueRidge(history: sent), Today, Ladder, "Accounts team");

        var (subject, body) = Core.Email.EmailAddresses.ClientEmailIn(withReferral)!.Value;
        Assert.Equal("Referral of USD 17,250.00 overdue to Acme Collections Ltd", subject);
        Assert.Contains("As our agreement allows, we are referring this debt of USD 17,250.00 to Acme Collections Ltd, as our final notice of 15 November 2026 said it might be. They will contact you about it.", body);
        Assert.Contains("reply to this email and we will withdraw the referral", body);
        Assert.DoesNotMatch(@"\b(by|from|on) \d{1,2} [A-Z][a-z]+ \d{4}", body.Replace("final notice of 15 November 2026", "", StringComparison.Ordinal)); // no date to keep
        Assert.Null(EscalationArtifacts.PayBy(ChaseLadder.HandOff, referred, Today, Ladder));
        Assert.Null(Core.Email.EmailAddresses.ClientEmailIn(without)); // no clause recorded: a plan for the person only
        Assert.Contains("/chase client \"Blue Ridge Outfitters\" allow referral, then refer-to <agency>", without);
    }

    [Fact]
    public void A_final_notice_totals_only_what_is_overdue_and_lists_what_is_not_due_yet_apart()
    {
        var text = FinalNotice(maySuspend: false);

        Assert.Contains("Subject: Final notice — USD 17,250.00 overdue", text);
        Assert.Contains("Total overdue: USD 17,250.00", text);
        Assert.Contains("• 1001: USD 4,500.00, due 2 October 2026 (64 days late)", text);
        Assert.Contains("• 1004: USD 12,750.00, due 4 December 2026 (1 day late)", text);
        Assert.Contains("Also coming due (not overdue yet, not part of the total):\n  • 1007: USD 236,000.00, due 19 December 2026", text);
        Assert.DoesNotContain("-14", text);
        Assert.DoesNotContain("1 days", text);
    }

    [Fact]
    public void A_final_notice_claims_no_history_and_threatens_suspension_only_where_the_contract_allows_it()
    {
        var withoutClause = FinalNotice(maySuspend: false);
        var withClause = FinalNotice(maySuspend: true);

        Assert.DoesNotContain("Despite our reminders", withoutClause);
        Assert.DoesNotContain("This follows", withoutClause);
        Assert.DoesNotContain("suspend", withoutClause, StringComparison.OrdinalIgnoreCase);
        // No referral clause either: no consequence is named, so no date is given that nothing would keep.
        Assert.Contains("If we have not received payment or agreed a plan by 19 December 2026, we will decide on the next steps our agreement allows.", withoutClause);
        Assert.DoesNotContain("referred", withoutClause);
        var referral = EscalationArtifacts.For(ChaseLadder.FinalNotice, BlueRidge() with { Client = BlueRidge().Client with { ReferTo = "Acme Collections Ltd" } },
            Today, Ladder, "Accounts team");
        Assert.Contains("we may refer the debt to Acme Collections Ltd from 21 December 2026, as our agreement allows.", referral);
        // What we may do, and from when (the deadline plus the grace days): never said as done or certain.
        Assert.Contains("If we have not received payment or agreed a plan by 19 December 2026, we may suspend access to the services we provide from 21 December 2026, as our agreement allows", withClause);
        Assert.DoesNotContain("will be suspended", withClause);
    }

    [Fact]
    public void History_is_claimed_only_as_delivered_reminders_and_notices()
    {
        TakenStep Reminder(int daysAgo) => new(ChaseLadder.Reminder1, Today.AddDays(-daysAgo));
        var reminded = new CaseHistory([], [Today.AddDays(-50), Today.AddDays(-43)], [Reminder(50), Reminder(43)]);
        var notice = new TakenStep(ChaseLadder.LateNotice, new DateOnly(2026, 11, 20));
        var noticed = new CaseHistory([notice], [Today.AddDays(-50)], [Reminder(50), notice]);
        // Drafted and approved, but nothing reached the client: no history to claim.
        var drafted = new CaseHistory([notice], [Today.AddDays(-50), Today.AddDays(-43)], []);

        Assert.Contains("This follows our earlier reminders.", FinalNotice(false, reminded));
        Assert.Contains("This follows our reminder of 16 October 2026 and our formal notice of 20 November 2026.", FinalNotice(false, noticed));
        Assert.DoesNotContain("formal notice", FinalNotice(false, reminded));
        Assert.DoesNotContain("This follows", FinalNotice(false, drafted));
    }

    [Fact]
    public void A_later_text_repeats_a_pay_by_date_still_ahead_instead_of_moving_it()
    {
        var ahead = Today.AddDays(3);
        var given = BlueRidge(history: new CaseHistory([], [], [new TakenStep(ChaseLadder.Reminder3, Today.AddDays(-4))], ahead));
        var passed = BlueRidge(history: new CaseHistory([], [], [], Today));

        Assert.Contains("Please pay the total overdue by 8 December 2026.", EscalationArtifacts.For(ChaseLadder.LateNotice, given, Today, Ladder, "A"));
        Assert.Contains("Please pay the total overdue by 12 December 2026.", EscalationArtifacts.For(ChaseLadder.LateNotice, passed, Today, Ladder, "A"));
        Assert.Equal(ahead, EmailDrafts.PayBy(ChaseLadder.Reminder3, Today, ahead));
        Assert.Equal(Today.AddDays(7), EmailDrafts.PayBy(ChaseLadder.Reminder3, Today, Today));
        Assert.Null(EmailDrafts.PayBy(ChaseLadder.Reminder1, Today, ahead)); // a first reminder asks, it sets no date
    }

    [Fact]
    public void Service_reduction_and_suspension_each_tell_the_client_what_changes_from_when_and_how_to_undo_it()
    {
        var reduction = Core.Email.EmailAddresses.ClientEmailIn(
            EscalationArtifacts.For(ChaseLadder.ServiceReduction, BlueRidge(), Today, Ladder, "Accounts team"))!.Value;
        Assert.Equal("Changes to our service while USD 17,250.00 is overdue", reduction.Subject);
        Assert.Contains("As our agreement allows, from 5 December 2026 and until the account is paid or a payment plan is agreed:", reduction.Body);
        Assert.Contains("Full service resumes as soon as your payment clears, or the day we agree a payment plan.", reduction.Body);
        Assert.DoesNotContain("Back up first", reduction.Body); // the person's checklist stays with the person

        var suspension = Core.Email.EmailAddresses.ClientEmailIn(
            EscalationArtifacts.For(ChaseLadder.Suspension, BlueRidge(maySuspend: true), Today, Ladder, "Accounts team"))!.Value;
        Assert.Equal("Access suspended while USD 17,250.00 is overdue", suspension.Subject);
        Assert.Contains("access to the services we provide is suspended from 5 December 2026", suspension.Body);
        Assert.Contains("Your data is safe", suspension.Body);
        Assert.Contains("To get access back, pay the total overdue or agree a payment plan with us", suspension.Body);
    }

    [Fact]
    public void A_suspension_card_says_what_the_client_was_told_and_when_or_that_they_were_never_told()
    {
        var finalApproved = new TakenStep(ChaseLadder.FinalNotice, new DateOnly(2026, 11, 20));
        var suspend = ChaseLadder.Default.Find(ChaseLadder.Suspension)!;
        var told = BlueRidge(maySuspend: true, new CaseHistory([finalApproved], [], [finalApproved with { On = new DateOnly(2026, 11, 21) }]));
        var untold = BlueRidge(maySuspend: true, new CaseHistory([finalApproved], [], []));

        Assert.Equal("What Blue Ridge Outfitters was told: the final notice of 21 Nov said access may be suspended from 6 Dec if nothing was paid or agreed by 4 Dec.",
            ChaseMessages.Told(told, suspend, Ladder, 2));
        Assert.StartsWith("The final notice approved on 20 Nov is not recorded as reaching Blue Ridge Outfitters: they have not been told of a suspension.",
            ChaseMessages.Told(untold, suspend, Ladder, 2));
        Assert.Null(ChaseMessages.Told(told, ChaseLadder.Default.Find(ChaseLadder.HandOff)!, Ladder, 2));
    }

    [Fact]
    public void Restoring_access_is_approved_as_access_is_back_and_only_then_is_the_client_told()
    {
        var restore = EscalationArtifacts.For(ChaseLadder.RestoreAccess, BlueRidge(maySuspend: true), Today, Ladder, "Accounts team");
        var card = ChaseMessages.Proposal(7, BlueRidge(maySuspend: true), ChaseLadder.RestoreAccessStep, "paid", restore);

        Assert.Equal("Access is back: tell the client", card.Actions[0].Label);
        Assert.Contains(card.Lines, l => l.Contains("Once access works again, press \"Access is back: tell the client\"", StringComparison.Ordinal));
        Assert.Contains("only then does the email below go", restore);
    }

    [Fact]
    public void Removal_and_reactivation_are_offered_only_where_the_contract_and_the_history_allow()
    {
        var never = EscalationArtifacts.For(ChaseLadder.HandOff, BlueRidge(maySuspend: false), Today, Ladder, "Accounts");
        var suspended = EscalationArtifacts.For(ChaseLadder.HandOff,
            BlueRidge(maySuspend: true, new CaseHistory([new TakenStep(ChaseLadder.Suspension, Today.AddDays(-9))], [])), Today, Ladder, "Accounts");

        Assert.DoesNotContain("Reactivation", never);
        Assert.DoesNotContain("will be removed", never);
        Assert.Contains("Removing hosted work is not offered", never);
        Assert.Contains("Reactivation terms", suspended);
        Assert.Contains("hosted work will be removed", suspended);
    }

    [Theory]
    [InlineData(17, 10, false)]
    [InlineData(17, 15, true)]
    public void A_combined_reminder_says_more_than_two_weeks_only_when_every_invoice_is(int oldest, int newest, bool says)
    {
        var client = new ClientView(1, "Berlin Bikes GmbH", "buchhaltung@berlinbikes.example", null, "owner", "#ar", null);
        var email = EmailDrafts.Reminder(ChaseLadder.Reminder3, client, [Invoice(1, "A-3", 1200m, oldest), Invoice(2, "A-6", 450m, newest)],
            Today, "Accounts team", remindedBefore: false);

        Assert.Equal(says, email.Body.Contains("by more than two weeks", StringComparison.Ordinal));
        Assert.Contains("these invoices are now overdue", email.Body);
    }
}
