namespace ChaseBot.Core.Ledger;

/// <summary>Who owes. Created by an import the first time a name is seen; settings are added from chat.</summary>
public sealed class Client
{
    public long Id { get; set; }
    public required string Name { get; set; }

    /// <summary>Name folded for matching ("ACME  Ltd" and "acme ltd" are one client).</summary>
    public required string NormalizedName { get; set; }

    public string? BillingEmail { get; set; }

    /// <summary>Chat user id of the person who manages the relationship.</summary>
    public string? OwnerUserId { get; set; }

    /// <summary>Chat channel for this client's nudges; the default channel when empty.</summary>
    public string? Channel { get; set; }

    /// <summary>Comma-separated CC addresses for reminders (their accounts department, an info@ alias).</summary>
    public string? CcAddresses { get; set; }

    public ContractClauses Clauses { get; set; } = new();

    /// <summary>The client's IANA time zone: emails to them wait for working hours there. Null: Chase:TimeZone.</summary>
    public string? TimeZone { get; set; }

    /// <summary>Whose law governs late payment: UK, US or an EU member state's code (DE, FR, IE…). Null: not recorded, no statute applied.</summary>
    public string? Jurisdiction { get; set; }

    /// <summary>A consumer, not a business: the late-payment statutes do not apply, and no interest is ever offered.</summary>
    public bool IsConsumer { get; set; }

    /// <summary>Chasing of every invoice of this client is paused while this is in the future (or set with no end).</summary>
    public bool IsPaused { get; set; }
    public DateOnly? PausedUntil { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public List<Invoice> Invoices { get; set; } = [];

    public static string Normalize(string name) =>
        string.Join(' ', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}

/// <summary>
/// Facts the user records about the engagement. Null means unknown, and unknown means "not permitted":
/// the harsh steps of the ladder need a recorded "yes".
/// </summary>
public sealed class ContractClauses
{
    public bool? PermitsServiceChanges { get; set; }
    public bool? OwnedUntilPaid { get; set; }
    /// <summary>The contract's late-payment terms in words ("1.5% a month and a fee of 25.00"), as texts quote them.</summary>
    public string? LateFeeTerms { get; set; }
    /// <summary>The contract's late-payment interest, simple, in percent a year (a rate a month is recorded as twelve times it).</summary>
    public decimal? LateInterestPercentAYear { get; set; }
    /// <summary>The contract's fixed late-payment fee per invoice, in the invoice's currency.</summary>
    public decimal? LateFee { get; set; }
    /// <summary>The contract allows the debt to be referred to a third party (collections, a solicitor).</summary>
    public bool? PermitsReferral { get; set; }
    /// <summary>Who a referral goes to, as the client will read it ("Acme Collections Ltd"): a hand-off text names them.</summary>
    public string? ReferTo { get; set; }
}
