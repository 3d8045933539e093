namespace ChaseBot.Core.Delivery;

/// <summary>What an outbox row is, as stored in <c>Outbox.Kind</c> and read by the drainer, the digest and the tests.</summary>
public static class OutboxKinds
{
    public const string Reminder = "reminder";
    public const string Proposal = "proposal";
    public const string Artifact = "artifact";
    public const string Email = "email";
    public const string EmailFailed = "email-failed";
    /// <summary>An export the scheduled import refused: said once in the channel, with why.</summary>
    public const string ExportSetAside = "export-set-aside";
    public const string SourceRefused = "source-refused";
    public const string CardUpdate = "card-update";
    public const string GuardNote = "guard-note";
    public const string PromiseBroken = "promise-broken";
    public const string Reopened = "reopened";
    public const string WrittenOff = "written-off";
    public const string WriteOffCheckIn = "write-off-check-in";
    public const string Thanks = "thanks";
    public const string Receipt = "receipt";
    public const string Digest = "digest";
    public const string Morale = "morale";
    public const string MoraleReply = "morale-reply";
}
