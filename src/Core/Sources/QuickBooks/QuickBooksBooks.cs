using System.Net.Http.Json;
using ChaseBot.Core.Sources.Connections;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Sources.QuickBooks;

/// <summary>How QuickBooks Online is connected: Intuit's consent page and token endpoint, the accounting scope, and the company (realmId) the callback names.</summary>
public sealed class QuickBooksBooks(IOptions<SourcesOptions> options) : IOAuthBooks
{
    private static readonly HttpClient Http = Delivery.LongLivedHttp.Client(TimeSpan.FromSeconds(30));

    private QuickBooksSourceOptions QuickBooks => options.Value.QuickBooks;

    public string Source => QuickBooksSource.Name;
    public string DisplayName => "QuickBooks";
    public bool CanConnect => QuickBooks.CanConnect;
    public string ClientId => QuickBooks.ClientId ?? "";
    public string ClientSecret => QuickBooks.ClientSecret ?? "";
    public string AuthorizeUrl => QuickBooks.AuthorizeUrl;
    public string TokenUrl => QuickBooks.TokenUrl;
    public string? RevocationUrl => QuickBooks.RevokeUrl;
    public bool RevokesWithJson => true;

    /// <summary>Intuit's only accounting scope; it is read-write, and ChaseBot only reads. Refresh tokens come without asking.</summary>
    public string Scopes => "com.intuit.quickbooks.accounting";

    /// <summary>Intuit says in every token response how long the refresh token lasts (100 days); this is only the fallback.</summary>
    public TimeSpan RefreshTokenLifetime => TimeSpan.FromDays(100);

    /// <summary>The company is the callback's <c>realmId</c>; its name, for <c>sources</c>, from CompanyInfo.</summary>
    public async Task<ConnectedTenant> TenantAsync(string accessToken, IReadOnlyDictionary<string, string> callback, CancellationToken cancellationToken)
    {
        if (!callback.TryGetValue("realmId", out var realm) || realm.Length is 0 or > 30 || !realm.All(char.IsAsciiDigit))
            throw new ConnectProblemException("QuickBooks's answer named no company (realmId): ask for a new link and try again");
        using var request = QuickBooksApi.Request(
            $"{QuickBooks.ApiBaseUrl.TrimEnd('/')}/v3/company/{realm}/companyinfo/{realm}?minorversion={QuickBooksApi.MinorVersion}", accessToken);
        using var response = await Http.SendAsync(request, cancellationToken);
        var name = response.IsSuccessStatusCode // the name is for people; the connection works without it
            ? (await response.Content.ReadFromJsonAsync(QuickBooksJson.Default.QuickBooksCompany, cancellationToken))?.CompanyInfo?.CompanyName
            : null;
        return new ConnectedTenant(realm, name);
    }
}
