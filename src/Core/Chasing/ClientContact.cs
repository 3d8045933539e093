namespace ChaseBot.Core.Chasing;

/// <summary>How a message reached the client.</summary>
public enum ContactWay
{
    /// <summary>ChaseBot emailed it and the mail server accepted it.</summary>
    Emailed,
    /// <summary>A person sent the draft themselves and said so (the "Mark as sent" button, or /chase sent).</summary>
    MarkedSent,
}

/// <summary>
/// A message that reached the client. Only these count when a client text speaks of history ("our reminder of 3 March",
/// "our formal notice of …"): a draft nobody sent is not contact, however many were written.
/// </summary>
public sealed class ClientContact
{
    public long Id { get; set; }
    public long ClientId { get; set; }
    /// <summary>The ladder step whose text it was (a reminder, a notice).</summary>
    public required string Step { get; set; }
    public DateTime At { get; set; }
    public ContactWay Way { get; set; }
    /// <summary>The outbox key of the chat message that drafted it: one contact per draft, however often it is marked.</summary>
    public required string DraftKey { get; set; }
    /// <summary>The date the text asked payment by, if it gave one: a later text repeats it while it is ahead, and the case waits for it.</summary>
    public DateOnly? PayBy { get; set; }
    /// <summary>Who marked it as sent (a chat actor), for a draft sent by hand.</summary>
    public string? By { get; set; }
}

/// <summary>What a chat message drafting a client text is: whose, which step, and the date it asks payment by; carried so its delivery can be recorded.</summary>
public sealed record ClientDraft(long ClientId, string Step, DateOnly? PayBy = null);
