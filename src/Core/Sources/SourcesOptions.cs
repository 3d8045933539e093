namespace ChaseBot.Core.Sources;

/// <summary>The connected sources (section "Sources"): how often they are synced, and each one's settings.</summary>
public sealed class SourcesOptions
{
    public const string Section = "Sources";

    /// <summary>How often the Worker syncs every connected source (webhooks sync sooner).</summary>
    public TimeSpan SyncEvery { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Facts older than this are too old to send anything on: that source's clients wait for a sync.</summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromHours(26);

    public StripeSourceOptions Stripe { get; set; } = new();

    public Xero.XeroSourceOptions Xero { get; set; } = new();

    public QuickBooks.QuickBooksSourceOptions QuickBooks { get; set; } = new();
}

/// <summary>Sources:Stripe. A restricted key with read access to invoices, credit notes and events is all ChaseBot needs.</summary>
public sealed class StripeSourceOptions
{
    /// <summary>The restricted key ("rk_live_…"); Stripe is not synced without one. From configuration or the environment, never the repository.</summary>
    public string? ApiKey { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.stripe.com";

    /// <summary>The webhook endpoint's signing secret ("whsec_…"): POST /webhooks/stripe answers 404 without one.</summary>
    public string? WebhookSecret { get; set; }

    public bool Configured => !string.IsNullOrWhiteSpace(ApiKey);
}

public sealed class SourcesOptionsCheck : OptionsCheck<SourcesOptions>
{
    protected override IEnumerable<string> Failures(SourcesOptions o)
    {
        if (o.SyncEvery < TimeSpan.FromMinutes(1))
            yield return "Sources:SyncEvery must be at least a minute";
        if (o.MaxStaleness <= TimeSpan.Zero)
            yield return "Sources:MaxStaleness must be positive";
        if (!Absolute(o.Stripe.ApiBaseUrl))
            yield return "Sources:Stripe:ApiBaseUrl must be an absolute URL";
        if (!Absolute(o.Xero.ApiBaseUrl) || !Absolute(o.Xero.IdentityBaseUrl) || !Absolute(o.Xero.LoginBaseUrl))
            yield return "Sources:Xero:ApiBaseUrl, IdentityBaseUrl and LoginBaseUrl must be absolute URLs";
        if (!Absolute(o.QuickBooks.ApiBaseUrl) || !Absolute(o.QuickBooks.TokenUrl) || !Absolute(o.QuickBooks.AuthorizeUrl) || !Absolute(o.QuickBooks.RevokeUrl))
            yield return "Sources:QuickBooks:ApiBaseUrl, TokenUrl, AuthorizeUrl and RevokeUrl must be absolute URLs";
    }

    private static bool Absolute(string url) => Uri.TryCreate(url, UriKind.Absolute, out _);
}
