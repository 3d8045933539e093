using System.Net;
using ChaseBot.Core.Sources.Connections;
using Microsoft.AspNetCore.WebUtilities;

namespace ChaseBot.Tests.Sources;

/// <summary>Walks the books' consent (Xero, QuickBooks) as a browser would: the link ChaseBot gave, their consent page, and back with a code.</summary>
internal static class BooksConsent
{
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    /// <summary>The query the books send the browser back with, after consenting on the page <paramref name="consentPage"/>.</summary>
    public static async Task<Dictionary<string, string>> ConsentAsync(Uri consentPage)
    {
        using var response = await Browser.GetAsync(consentPage);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return QueryHelpers.ParseQuery(response.Headers.Location!.Query).ToDictionary(q => q.Key, q => q.Value.ToString());
    }

    /// <summary>Connected the way an approver does it, start to finish.</summary>
    public static async Task<ConnectionState> ConnectAsync(OAuthConnections connections, string by = "slack:alice", string source = "xero")
    {
        var link = await connections.StartAsync(source, by);
        var state = QueryHelpers.ParseQuery(link.Link.Query)["state"].ToString();
        return await connections.CompleteAsync(source, await ConsentAsync(await connections.ConsentPageAsync(source, state, default)), default);
    }
}
