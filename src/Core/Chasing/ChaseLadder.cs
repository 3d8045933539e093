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

public sealed record LadderStep(string Id, int Day, StepKind Kind, StepGuard Guard, bool Enabled, string Title);

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

    public static LadderStep RestoreAccessStep { get; } = new(RestoreAccess, 0, StepKind.Proposal, StepGuard.None, true, "restore access");

    /// <summary>Steps that stop work or access, or end the relationship: a human must always decide them.</summary>
    public static readonly string[] AlwaysNeedApproval = [ServiceReduction, Suspension, HandOff];

    public static IReadOnlyList<LadderStep> Defaults { get; } =
    [
        new(HeadsUp, -3, StepKind.Nudge, StepGuard.None, false, "heads-up before the due date"),
        new(Reminder1, 3, StepKind.Nudge, StepGuard.None, true, "first reminder"),
        new(Reminder2, 7, StepKind.Nudge, StepGuard.None, true, "second reminder"),
        new(Reminder3, 14, StepKind.Nudge, StepGuard.None, true, "third reminder"),
        new(LateNotice, 21, StepKind.Proposal, StepGuard.None, true, "formal late notice"),
        new(ServiceReduction, 28, StepKind.Proposal, StepGuard.ServiceChanges, true, "reduce service / stop non-essential work"),
        new(FinalNotice, 35, StepKind.Proposal, StepGuard.None, true, "final notice"),
        new(Suspension, 49, StepKind.Proposal, StepGuard.OwnedUntilPaid, true, "suspend access"),
        new(HandOff, 63, StepKind.Proposal, StepGuard.None, true, "removal or hand-off (legal, collections, write-off)"),
    ];

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
    /// <paramref name="sentOn"/>; null for steps that give none. The texts and the ladder's holds both read it here.
    /// </summary>
    public DateOnly? ClientDeadline(string step, DateOnly sentOn) => step switch
    {
        LateNotice => sentOn.AddDays(7),
        FinalNotice => sentOn.AddDays(Math.Max(7, (Find(Suspension)?.Day ?? 49) - (Find(FinalNotice)?.Day ?? 35))),
        HandOff => sentOn.AddDays(14),
        _ => null,
    };

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
            if (kind == StepKind.Nudge && AlwaysNeedApproval.Contains(id))
                errors.Add($"Chase:Ladder:{id} always needs a human decision; NeedsApproval cannot be false");
            steps[id] = step with { Day = o.Day ?? step.Day, Enabled = o.Enabled ?? step.Enabled, Kind = kind, Guard = guard };
        }
        var ordered = Defaults.Select(d => steps[d.Id]).Where(s => s.Enabled).ToList();
        for (var i = 1; i < ordered.Count; i++)
            if (ordered[i].Day <= ordered[i - 1].Day)
                errors.Add($"Chase:Ladder: {ordered[i].Id} (day {ordered[i].Day}) must come after {ordered[i - 1].Id} (day {ordered[i - 1].Day})");
        var finalNotice = steps[FinalNotice];
        if (steps[Suspension].Enabled && !finalNotice.Enabled)
            errors.Add("Chase:Ladder: suspension needs the final notice before it; final-notice cannot be disabled while suspension is enabled");
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
