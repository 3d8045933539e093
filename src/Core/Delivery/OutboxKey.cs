namespace ChaseBot.Core.Delivery;

/// <summary>
/// An outbox row's key: unique, so queuing the same message twice (a rerun, a crash between two steps) queues it once.
/// Every key is made here, and the few that are read back (a proposal's cards, the chat message an email copies) are
/// parsed here, so writer and reader cannot disagree on a format.
/// </summary>
public readonly record struct OutboxKey
{
    /// <summary>The Outbox.Key column's length; a longer key keeps its start and a hash of the whole.</summary>
    private const int MaxLength = 300;
    private const string EmailPrefix = "email:";

    public string Value { get; }

    private OutboxKey(string value) =>
        Value = value.Length > MaxLength
            ? value[..240] + ":" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)))[..16]
            : value;

    /// <summary>A proposal's card; <paramref name="resurfaced"/> counts its returns after a snooze, each a card of its own.</summary>
    public static OutboxKey Proposal(long proposalId, int resurfaced) => new($"{ProposalCards(proposalId)}{resurfaced}");

    /// <summary>What every card of one proposal's key starts with.</summary>
    public static string ProposalCards(long proposalId) => $"proposal:{proposalId}:";

    /// <summary>The proposal a card's key ("proposal:12:0") is for, or null.</summary>
    public static long? ProposalOf(string key) =>
        key.Split(':') is ["proposal", var id, _] && long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var proposalId)
            ? proposalId : null;

    /// <summary>The text of an approved proposal, posted for the person who sends it.</summary>
    public static OutboxKey Approved(long proposalId) => new($"approved:{proposalId}");
    public static OutboxKey Preview(long proposalId) => new($"preview:{proposalId}:{Guid.NewGuid():N}");
    public static OutboxKey Reminders(long clientId, DateOnly day, IEnumerable<string> invoiceSteps) =>
        new($"{RemindersOf(clientId, day)}{string.Join(',', invoiceSteps)}");

    /// <summary>What the keys of reminder messages start with: of all, of a client's, and of a client's on one day.</summary>
    public const string ReminderPrefix = "reminder:";
    public static string RemindersOf(long clientId) => $"{ReminderPrefix}{clientId}:";
    public static string RemindersOf(long clientId, DateOnly day) => $"{RemindersOf(clientId)}{day:yyyy-MM-dd}:";
    public static OutboxKey Guard(long caseId, string stepId) => new($"guard:case-{caseId}:{stepId}");
    public static OutboxKey PromiseBroken(long? promiseId) => new($"promise-broken:{promiseId}");
    public static OutboxKey Thanks(long invoiceId) => new($"thanks:{invoiceId}");
    public static OutboxKey WrittenOff(long invoiceId) => new($"written-off:{invoiceId}");
    public static OutboxKey WriteOffCheckIn(long invoiceId) => new($"write-off-check-in:{invoiceId}");
    /// <summary>The channel's warning that an export turned a paid invoice unpaid: once each time it happens.</summary>
    public static OutboxKey Reopened(long invoiceId, DateTime reopenedAt) => new($"reopened:{invoiceId}:{reopenedAt:yyyyMMddHHmmss}");
    public static OutboxKey Receipt(IEnumerable<long> invoiceIds) => new($"receipt:{string.Join(',', invoiceIds)}");
    public static OutboxKey Digest(string period, string channel) => new($"digest:{period}:{channel}");
    public static OutboxKey Morale(long checkInId) => new($"morale:{checkInId}");
    public static OutboxKey MoraleReply(long checkInId) => new($"morale-reply:{checkInId}");
    public static OutboxKey EmailFailed(long outboxId) => new($"email-failed:{outboxId}");
    /// <summary>The channel's word that an export was set aside: once per content, so a restarted Worker that tries the
    /// same file again does not say it again.</summary>
    public static OutboxKey ExportSetAside(string fileHash) => new($"export-set-aside:{fileHash}");

    /// <summary>The email that sends the text of the chat message keyed <paramref name="chatKey"/>.</summary>
    public static OutboxKey EmailOf(OutboxKey chatKey) => new(EmailPrefix + chatKey.Value);

    /// <summary>The start of the keys of every reminder email ChaseBot sends.</summary>
    public const string EmailedReminderPrefix = EmailPrefix + ReminderPrefix;

    /// <summary>
    /// The invoices a reminder's key names ("reminder:7:2026-12-07:101-remind-3,102-remind-3"), with its client; null
    /// when the key is not a reminder's. A key shortened for its length names the client only (<c>Invoices</c> empty).
    /// </summary>
    public static (long ClientId, IReadOnlyList<long> Invoices)? Reminded(OutboxKey key)
    {
        if (!key.Value.StartsWith(ReminderPrefix, StringComparison.Ordinal))
            return null;
        var parts = key.Value[ReminderPrefix.Length..].Split(':', 3);
        if (parts.Length < 3 || !long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var clientId))
            return null;
        var steps = parts[2].Split(',');
        var invoices = new List<long>();
        foreach (var step in steps)
        {
            var dash = step.IndexOf('-');
            if (dash <= 0 || !long.TryParse(step.AsSpan(0, dash), System.Globalization.CultureInfo.InvariantCulture, out var invoiceId))
                return (clientId, []); // shortened: the end of the list is a hash
            invoices.Add(invoiceId);
        }
        return (clientId, invoices);
    }

    /// <summary>The proposal whose approved text a key carries ("approved:12"), or null.</summary>
    public static long? ApprovedProposal(OutboxKey key) =>
        key.Value.StartsWith("approved:", StringComparison.Ordinal) &&
        long.TryParse(key.Value.AsSpan("approved:".Length), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>An approver told that a source refused ChaseBot's key: once per approver until a sync works again.</summary>
    public static OutboxKey SourceRefused(string source, long lastGoodRun, string approver) => new($"source-refused:{source}:{lastGoodRun}:{approver}");

    /// <summary>The update of a posted chat message that says its email was held or withdrawn: once each.</summary>
    public static OutboxKey Announced(OutboxKey chatKey, string what) => new($"{what}:{chatKey.Value}");

    /// <summary>The chat message an email row copies, when it is one.</summary>
    public static OutboxKey? ChatMessageOf(string emailKey) =>
        emailKey.StartsWith(EmailPrefix, StringComparison.Ordinal) ? new OutboxKey(emailKey[EmailPrefix.Length..]) : null;

    /// <summary>The rewrite of a posted card once its proposal is decided: at most one per card.</summary>
    public static OutboxKey Settled(string cardKey) => new("update:" + cardKey);
    public static string SettledPrefix(string cardsPrefix) => "update:" + cardsPrefix;

    /// <summary>The rewrite of a posted chat message once the email it drafted was sent.</summary>
    public static OutboxKey Sent(OutboxKey chatKey) => Sent(chatKey.Value);
    public static OutboxKey Sent(string chatKey) => new("sent:" + chatKey);

    public override string ToString() => Value;

    public static implicit operator string(OutboxKey key) => key.Value;
}
