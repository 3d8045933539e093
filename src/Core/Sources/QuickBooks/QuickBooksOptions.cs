namespace ChaseBot.Core.Sources.QuickBooks;

/// <summary>
/// Sources:QuickBooks. The Intuit app ChaseBot connects as (developer.intuit.com, redirect URI
/// <c>{Bot:PublicUrl}/connect/quickbooks/callback</c>), its webhooks' verifier token, and Intuit's addresses.
/// </summary>
public sealed class QuickBooksSourceOptions
{
    public string? ClientId { get; set; }

    /// <summary>From configuration or the environment, never the repository.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The webhooks' verifier token: POST /webhooks/quickbooks answers 404 without one.</summary>
    public string? VerifierToken { get; set; }

    /// <summary>Production; the sandbox is https://sandbox-quickbooks.api.intuit.com.</summary>
    public string ApiBaseUrl { get; set; } = "https://quickbooks.api.intuit.com";

    public string TokenUrl { get; set; } = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer";
    public string AuthorizeUrl { get; set; } = "https://appcenter.intuit.com/connect/oauth2";
    public string RevokeUrl { get; set; } = "https://developer.api.intuit.com/v2/oauth2/tokens/revoke";

    public bool CanConnect => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}
