namespace ChaseBot.Core.Sources.Xero;

/// <summary>
/// Sources:Xero. The app ChaseBot connects as (created at developer.xero.com, redirect URI
/// <c>{Bot:PublicUrl}/connect/xero/callback</c>), its webhook key, and Xero's addresses (changed only to test against a fake).
/// </summary>
public sealed class XeroSourceOptions
{
    public string? ClientId { get; set; }

    /// <summary>From configuration or the environment, never the repository.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The webhook's signing key: POST /webhooks/xero answers 404 without one.</summary>
    public string? WebhookKey { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.xero.com";
    public string IdentityBaseUrl { get; set; } = "https://identity.xero.com";
    public string LoginBaseUrl { get; set; } = "https://login.xero.com";

    /// <summary>
    /// Read-only, and only invoices and contacts. Xero's granular scopes: apps created from 2 March 2026 cannot ask for
    /// the broad <c>accounting.transactions.read</c>; an older app may set that here instead.
    /// </summary>
    public string Scopes { get; set; } = "offline_access accounting.invoices.read accounting.contacts.read";

    public bool CanConnect => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}
