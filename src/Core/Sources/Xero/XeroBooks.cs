using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChaseBot.Core.Sources.Connections;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Sources.Xero;

/// <summary>How Xero is connected: its login and identity addresses, read-only scopes, and the organisation chosen on its consent page.</summary>
public sealed class XeroBooks(IOptions<SourcesOptions> options) : IOAuthBooks
{
    private static readonly HttpClient Http = Delivery.LongLivedHttp.Client(TimeSpan.FromSeconds(30));

    private XeroSourceOptions Xero => options.Value.Xero;

    public string Source => XeroSource.Name;
    public string DisplayName => "Xero";
    public bool CanConnect => Xero.CanConnect;
    public string ClientId => Xero.ClientId ?? "";
    public string ClientSecret => Xero.ClientSecret ?? "";
    public string AuthorizeUrl => $"{Xero.LoginBaseUrl.TrimEnd('/')}/identity/connect/authorize";
    public string TokenUrl => $"{Xero.IdentityBaseUrl.TrimEnd('/')}/connect/token";
    public string? RevocationUrl => $"{Xero.IdentityBaseUrl.TrimEnd('/')}/connect/revocation";
    public string Scopes => Xero.Scopes;

    /// <summary>Xero's refresh token expires after 60 days unused.</summary>
    public TimeSpan RefreshTokenLifetime => TimeSpan.FromDays(60);

    /// <summary>
    /// The organisation just authorised: GET /connections lists every one the app may read, and the one authorised last
    /// is the newest. A practice (an accountant's own tenant) holds none of the user's invoices.
    /// </summary>
    public async Task<ConnectedTenant> TenantAsync(string accessToken, IReadOnlyDictionary<string, string> callback, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Xero.ApiBaseUrl.TrimEnd('/')}/connections");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await Http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new ConnectProblemException($"Xero answered {(int)response.StatusCode} when asked which organisation was connected: ask for a new link and try again");
        var tenants = await response.Content.ReadFromJsonAsync(XeroJson.Default.ListXeroTenant, cancellationToken) ?? [];
        var chosen = tenants.Where(t => t.TenantType is null or "ORGANISATION").OrderByDescending(t => XeroDates.Parse(t.UpdatedDateUtc)).FirstOrDefault()
                     ?? throw new ConnectProblemException("Xero connected no organisation: choose one on Xero's consent page");
        return new ConnectedTenant(chosen.TenantId, chosen.TenantName);
    }
}
