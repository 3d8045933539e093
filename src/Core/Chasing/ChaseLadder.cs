namespace ChaseBot.Core.Chasing;

public enum StepKind
{
    /// <summary>Posted without asking: a reminder with an email draft.</summary>
    Nudge,
    /// <summary>Put to a human who approves, snoozes or rejects it.</summary>
    Proposal,
}

/// <summary>What the contract must say before a step may even be proposed. Unknown counts as "no".</summary>
public enum StepGuard
{
    None,
    /// <summary>The contract permits reducing service levels.</summary>
    ServiceChanges,
    /// <summary>The work stays the supplier's property until paid, which is what makes suspending access legitimate.</summary>
    OwnedUntilPaid,
}

/// <summary>What a rung's text is written from: the day it is written, the ladder (for deadlines), who signs it, and the grace days a consequence waits after a deadline.</summary>
public sealed record RungTextFacts(DateOnly Today, ChaseLadder Ladder, string Sender, int GraceDays);

/// <summary>
/// One rung of the ladder, carrying its own rules: when it comes and what guards it (Chase:Ladder may change those),
/// and what no setting changes — the date its text gives the client, the rung that must come first, its texts, and what
/// it weighs on the person chasing. Everything that treats a rung differently asks it here, not its id.
/// </summary>
public sealed record LadderStep(string Id, int Day, StepKind Kind, StepGuard Guard, bool Enabled, string Title)
{
    /// <summary>
    /// The date its text gives the client when sent on a day ("pay by", "removed on"); null for none. The texts and the
    /// holds that keep the next rung back both read it.
    /// </summary>
    public Func<ChaseLadder, DateOnly, DateOnly?> Deadline { get; init; } = (_, _) => null;

    /// <summary>Its text asks payment by its deadline. The hand-off's deadline is the person's plan: the client is given no date.</summary>
    public bool AsksPayBy { get; init; } = true;

    /// <summary>Its text repeats a "pay by" the client was already given that is still ahead, rather than naming a new one.</summary>
    public bool RepeatsDateGiven { get; init; }

    /// <summary>A rung that must have been approved before this one is proposed, and why, in words; null for none.</summary>
    public (string Step, string Why)? Requires { get; init; }

    /// <summary>It stops work or access, or ends the relationship: a human always decides it, and its button asks twice.</summary>
    public bool AlwaysNeedsApproval { get; init; }

    /// <summary>The text an approver decides on, and the client gets once approved (proposal rungs).</summary>
    public Func<CaseView, RungTextFacts, string>? Text { get; init; }

    /// <summary>What its draft is called in a sentence ("the suspension notice"); its title when null.</summary>
    public string? Noun { get; init; }

    /// <summary>What a proposal of it weighs on the person chasing (a check-in's trigger), by the proposal's state; null for nothing.</summary>
    public Func<ProposalStatus, string>? Weighs { get; init; }

    /// <summary>A reminder's email: its subject, opening and ask (nudge rungs); the firmest default when null.</summary>
    public Func<ReminderFacts, ReminderWords>? Reminder { get; init; }

    /// <summary>A reminder that copies the client's accounts team (the CC list), as the last one before formal notices does.</summary>
    public bool CopiesAccounts { get; init; }

    /// <summary>
    /// The text offers the late-payment interest and compensation to date (LatePayment:Enabled): the final notice and the
    /// hand-off letter only, never an earlier rung.
    /// </summary>
    public bool OffersLateCharges { get; init; }
}

/// <summary>The rungs of the chase, in order of their day: the defaults below, which Chase:Ladder changes.</summary>
public sealed class ChaseLadder
{
    public const string HeadsUp = "heads-up";
    public const string Reminder1 = "reminder-1";
    public const string Reminder2 = "reminder-2";
    public const string Reminder3 = "reminder-3";
    public const string LateNotice = "late-notice";
    public const string ServiceReduction = "service-reduction";
    public const string FinalNotice = "final-notice";
    public const string Suspension = "suspension";
    public const string HandOff = "hand-off";
    /// <summary>Not a rung: proposed when a suspended client has paid everything, to give access back.</summary>
    public const string RestoreAccess = "restore-access";

    public static IReadOnlyList<LadderStep> Defaults { get; } =
    [
        new(HeadsUp, -3, StepKind.Nudge, StepGuard.None, false, "heads-up before the due date")
        {
            AsksPayBy = false, Reminder = EmailDrafts.HeadsUpWords,
        },
        new(Reminder1, 3, StepKind.Nudge, StepGuard.None, true, "first reminder") { AsksPayBy = false, Reminder = EmailDrafts.FirstReminderWords },
        new(Reminder2, 7, StepKind.Nudge, StepGuard.None, true, "second reminder") { Reminder = EmailDrafts.SecondReminderWords },
        new(Reminder3, 14, StepKind.Nudge, StepGuard.None, true, "third reminder") { CopiesAccounts = true },
        new(LateNotice, 21, StepKind.Proposal, StepGuard.None, true, "formal late notice")
        {
            Deadline = (_, sentOn) => sentOn.AddDays(7), RepeatsDateGiven = true, Text = EscalationArtifacts.LateNoticeText,
        },
        new(ServiceReduction, 28, StepKind.Proposal, StepGuard.ServiceChanges, true, "reduce service / stop non-essential work")
        {
            AlwaysNeedsApproval = true, Text = EscalationArtifacts.ServiceReductionText, Noun = "service-reduction notice",
        },
        new(FinalNotice, 35, StepKind.Proposal, StepGuard.None, true, "final notice")
        {
            // As long as the ladder leaves before a suspension, and never less than a week.
            Deadline = (ladder, sentOn) => sentOn.AddDays(Math.Max(7, (ladder.Find(Suspension)?.Day ?? 49) - (ladder.Find(FinalNotice)?.Day ?? 35))),
            Text = EscalationArtifacts.FinalNoticeText, OffersLateCharges = true,
        },
        new(Suspension, 49, StepKind.Proposal, StepGuard.OwnedUntilPaid, true, "suspend access")
        {
            AlwaysNeedsApproval = true, Requires = (FinalNotice, "no final notice was sent, and a suspension always needs one first"),
            Text = EscalationArtifacts.SuspensionText, Noun = "suspension notice",
            Weighs = status => status == ProposalStatus.Approved ? Morale.MoraleTriggers.Suspended : Morale.MoraleTriggers.Suspension,
        },
        new(HandOff, 63, StepKind.Proposal, StepGuard.None, true, "removal or hand-off (legal, collections, write-off)")
        {
            AlwaysNeedsApproval = true, Deadline = (_, sentOn) => sentOn.AddDays(14), AsksPayBy = false,
            Text = EscalationArtifacts.HandOffText, Noun = "hand-off letter", Weighs = _ => Morale.MoraleTriggers.HandOff, OffersLateCharges = true,
        },
    ];

    public static LadderStep RestoreAccessStep { get; } = new(RestoreAccess, 0, StepKind.Proposal, StepGuard.None, true, "restore access")
    {
        Text = EscalationArtifacts.RestoreAccessText, Noun = "access-restored message",
    };

    /// <summary>A reminder: a rung posted without asking once an invoice is due (not the heads-up before it).</summary>
    public static bool IsReminder(string step) => Rung(step) is { Kind: StepKind.Nudge, Day: > 0 };

    /// <summary>A rung's own rules, whether or not this ladder has it enabled (a text for a rung since disabled still reads them); null for an id that is no rung.</summary>
    public static LadderStep? Rung(string id) => id == RestoreAccess ? RestoreAccessStep : Defaults.FirstOrDefault(s => s.Id == id);

    public ChaseLadder(IEnumerable<LadderStep> steps) => Steps = steps.Where(s => s.Enabled).OrderBy(s => s.Day).ToList();

    public static ChaseLadder Default { get; } = new(Defaults);

    public IReadOnlyList<LadderStep> Steps { get; }
    public IEnumerable<LadderStep> Nudges => Steps.Where(s => s.Kind == StepKind.Nudge);
    public IEnumerable<LadderStep> Proposals => Steps.Where(s => s.Kind == StepKind.Proposal);
    public LadderStep? Find(string id) => id == RestoreAccess ? RestoreAccessStep : Steps.FirstOrDefault(s => s.Id == id);

    /// <summary>How far up the ladder a step is (its place, from 0); -1 for none, or a step this ladder no longer has.</summary>
    public int Rank(string? step)
    {
        for (var i = 0; step is not null && i < Steps.Count; i++)
            if (Steps[i].Id == step)
                return i;
        return -1;
    }

    /// <summary>
    /// The date a step's text gives the client (pay by, suspended on, removed on), when it is sent on
    /// <paramref name="sentOn"/>; null for steps that give none (<see cref="LadderStep.Deadline"/>).
    /// </summary>
    public DateOnly? ClientDeadline(string step, DateOnly sentOn) => Rung(step)?.Deadline(this, sentOn);

    /// <summary>Applies Chase:Ladder overrides to the defaults; says what is wrong instead of guessing.</summary>
    public static ChaseLadder FromOptions(IReadOnlyDictionary<string, LadderStepOptions> overrides, out List<string> errors)
    {
        errors = [];
        var steps = Defaults.ToDictionary(s => s.Id);
        foreach (var (id, o) in overrides)
        {
            if (!steps.TryGetValue(id, out var step))
            {
                errors.Add($"Chase:Ladder:{id} is not a step (steps: {string.Join(", ", Defaults.Select(s => s.Id))})");
                continue;
            }
            var guard = step.Guard;
            if (o.Guard is { } guardText && !Enum.TryParse(guardText, ignoreCase: true, out guard))
                errors.Add($"Chase:Ladder:{id}:Guard is '{guardText}'; expected None, ServiceChanges or OwnedUntilPaid");
            var kind = o.NeedsApproval is { } approval ? (approval ? StepKind.Proposal : StepKind.Nudge) : step.Kind;
            if (kind == StepKind.Nudge && step.AlwaysNeedsApproval)
                errors.Add($"Chase:Ladder:{id} always needs a human decision; NeedsApproval cannot be false");
            steps[id] = step with { Day = o.Day ?? step.Day, Enabled = o.Enabled ?? step.Enabled, Kind = kind, Guard = guard };
        }
        var ordered = Defaults.Select(d => steps[d.Id]).Where(s => s.Enabled).ToList();
        for (var i = 1; i < ordered.Count; i++)
            if (ordered[i].Day <= ordered[i - 1].Day)
                errors.Add($"Chase:Ladder: {ordered[i].Id} (day {ordered[i].Day}) must come after {ordered[i - 1].Id} (day {ordered[i - 1].Day})");
        foreach (var step in steps.Values.Where(s => s.Enabled && s.Requires is not null))
            if (!steps[step.Requires!.Value.Step].Enabled)
                errors.Add($"Chase:Ladder: {step.Id} needs the {steps[step.Requires.Value.Step].Title} before it; " +
                           $"{step.Requires.Value.Step} cannot be disabled while {step.Id} is enabled");
        return new ChaseLadder(steps.Values);
    }
}

/// <summary>One step's overrides under Chase:Ladder:&lt;step id&gt;. Anything left out keeps its default.</summary>
public sealed class LadderStepOptions
{
    public int? Day { get; set; }
    public bool? Enabled { get; set; }
    public bool? NeedsApproval { get; set; }
    public string? Guard { get; set; }
}
