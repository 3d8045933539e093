namespace ChaseBot.Core.Sources.Connections;

/// <summary>
/// Books connected over OAuth (Xero, QuickBooks Online): which organisation, and the tokens that read it. The tokens are
/// stored encrypted (<see cref="TokenVault"/>): a copy of the ledger alone reads nothing from the books.
/// </summary>
public sealed class SourceConnection
{
    public long Id { get; set; }

    /// <summary>"xero", "quickbooks": one connection per source.</summary>
    public string Source { get; set; } = "";

    /// <summary>The organisation in the books: Xero's tenant id, QuickBooks' realm id.</summary>
    public string Tenant { get; set; } = "";

    /// <summary>What the books call the organisation ("Demo Company (UK)"), for <c>sources</c>.</summary>
    public string? TenantName { get; set; }

    /// <summary>Encrypted.</summary>
    public string AccessToken { get; set; } = "";

    public DateTime AccessExpiresAt { get; set; }

    /// <summary>Encrypted. Replaced on every refresh (Xero and Intuit both rotate it).</summary>
    public string RefreshToken { get; set; } = "";

    /// <summary>When the refresh token stops working if it is not used (Xero: 60 days; QuickBooks: its hard limit).</summary>
    public DateTime? RefreshExpiresAt { get; set; }

    public string ConnectedBy { get; set; } = "";
    public DateTime ConnectedAt { get; set; }
    public DateTime? RefreshedAt { get; set; }

    /// <summary>Set when the books refused the refresh token (revoked, expired): reading waits for <c>connect</c> again.</summary>
    public DateTime? RevokedAt { get; set; }

    /// <summary>What the books said when they refused, in words (never a token).</summary>
    public string? Problem { get; set; }

    /// <summary>Calls the books said were left this minute and this day at the last answer (Xero's X-MinLimit-Remaining, X-DayLimit-Remaining).</summary>
    public int? MinuteCallsLeft { get; set; }
    public int? DayCallsLeft { get; set; }
    public DateTime? BudgetSeenAt { get; set; }

    /// <summary>Bumped on every change of the tokens: two replicas refreshing at once see that one lost and read the winner's tokens.</summary>
    public int Version { get; set; }
}

/// <summary>
/// A link someone asked for with <c>connect xero</c>: it opens the books' consent page once, within 15 minutes, and the
/// books' answer is accepted only with its state. The PKCE verifier is kept encrypted.
/// </summary>
public sealed class ConnectRequest
{
    public long Id { get; set; }
    public string Source { get; set; } = "";

    /// <summary>The link's one-time secret, also the OAuth <c>state</c>: 32 random bytes, base64url.</summary>
    public string State { get; set; } = "";

    /// <summary>Encrypted.</summary>
    public string CodeVerifier { get; set; } = "";

    public string RequestedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
}
