namespace ChaseBot.Core.Conversations;

/// <summary>What a click did, and so what every viewer of the clicked message should now see.</summary>
public enum ClickEffect
{
    /// <summary>The message is settled for everyone: its buttons give way to the note.</summary>
    Settled,
    /// <summary>Nothing changed: only the person who clicked is told why (the buttons stay for whoever may still decide).</summary>
    Refused,
    /// <summary>Nothing was asked of ChaseBot but the message as it now stands (a viewer's refresh).</summary>
    Unchanged,
}

/// <summary>How a note reads at a glance, for platforms that colour it (Teams); others ignore it.</summary>
public enum NoteTone { Plain, Good, Warning, Attention }

/// <summary>
/// What a click did, in Core's words, and optionally who did it and when ("approved by … at 10:00 UTC on 23 Nov").
/// Platforms render the person their own way (a Slack mention, a Teams display name) and escape the rest.
/// </summary>
public sealed record ChatNote(string Text, Attribution? By = null)
{
    /// <summary>The note as plain text, the person shown by <paramref name="name"/>.</summary>
    public string Render(Func<string, string> name) => By is null ? Text : Text + By.Render(name(By.Person));
}

/// <param name="Done">What the person did, in the past tense ("approved", "sent").</param>
/// <param name="At">When, as the readers' clock and day; null where it goes without saying.</param>
public sealed record Attribution(string Done, string Person, string? At = null)
{
    /// <summary>
    /// " (approved by Ana at 10:00 UTC on 23 Nov)", with the person as the platform shows them (already in its markup)
    /// and the words passed through <paramref name="escape"/> where the platform needs its markup escaped.
    /// </summary>
    public string Render(string shownPerson, Func<string, string>? escape = null)
    {
        escape ??= text => text;
        return $" ({escape(Done)} by {shownPerson}{(At is null ? "" : " at " + escape(At))})";
    }
}

/// <summary>
/// The platform-neutral answer to a click: what happened (<see cref="Effect"/>), the sentence that says so, and for a
/// proposal its id, so a platform that redraws whole cards (Teams) asks <see cref="ChatDispatcher.ProposalCardAsync"/>
/// for the card as it now stands. A platform that edits the clicked message in place (Slack) keeps its content, drops
/// <see cref="DropLine"/> (made untrue by the click) and shows the note where the buttons were.
/// </summary>
public sealed record ClickAnswer(ClickEffect Effect, ChatNote Note)
{
    public string? DropLine { get; init; }
    public long? ProposalId { get; init; }
    public NoteTone Tone { get; init; } = NoteTone.Plain;

    public static ClickAnswer Refused(string why, long? proposalId = null) => new(ClickEffect.Refused, new ChatNote(why))
    {
        ProposalId = proposalId, Tone = NoteTone.Attention,
    };

    public const string NotUnderstood = "That button is no longer understood; nothing was changed.";
}
