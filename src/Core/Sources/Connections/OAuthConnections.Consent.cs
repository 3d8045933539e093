using System.Security.Cryptography;
using System.Text;
using ChaseBot.Core.Ledger;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Sources.Connections;

/// <summary>Connecting and disconnecting: the one-time link, the books' consent page with PKCE, the callback, and revocation.</summary>
public sealed partial class OAuthConnections
{
    /// <summary>A one-time link to the Bot's <c>GET /connect/{source}</c>, valid <paramref name="validity"/> (15 minutes unless said).</summary>
    public async Task<ConnectLink> StartAsync(string source, string requestedBy, TimeSpan? validity = null, CancellationToken cancellationToken = default)
    {
        var books = Books(source) ?? throw new ConnectProblemException($"ChaseBot cannot connect '{source}': it connects {string.Join(" and ", _books.Select(b => b.Source))}");
        if (!books.CanConnect)
            throw new ConnectProblemException(
                $"{books.DisplayName} has no app to connect with: set Sources:{books.DisplayName.Replace(" ", "")}:ClientId and ClientSecret first (docs/books.md)");
        var state = CryptoRandom.CreateUniqueId(32, CryptoRandom.OutputFormat.Base64Url);
        if (bot.Value.Link($"connect/{source}?state={state}") is not { } link)
            throw new ConnectProblemException("Bot:PublicUrl is not set: ChaseBot needs the Bot's address, as a browser reaches it, to give a link to connect");
        var now = clock.GetUtcNow().UtcDateTime;
        var expires = now + (validity ?? LinkValidity);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ConnectRequests.Add(new ConnectRequest
        {
            Source = source, State = state, CodeVerifier = vault.Protect(CryptoRandom.CreateUniqueId(48, CryptoRandom.OutputFormat.Base64Url)),
            RequestedBy = requestedBy, CreatedAt = now, ExpiresAt = expires,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new ConnectLink(link, expires);
    }

    /// <summary>Where the link sends the browser: the books' consent page, with this request's state and PKCE challenge.</summary>
    public async Task<Uri> ConsentPageAsync(string source, string? state, CancellationToken cancellationToken)
    {
        var (request, books) = await PendingAsync(source, state, cancellationToken);
        var challenge = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(vault.Unprotect(request.CodeVerifier))));
        return new Uri(new RequestUrl(books.AuthorizeUrl).CreateAuthorizeUrl(books.ClientId, OidcConstants.ResponseTypes.Code, books.Scopes,
            CallbackUri(source)!.ToString(), state, codeChallenge: challenge, codeChallengeMethod: OidcConstants.CodeChallengeMethods.Sha256));
    }

    /// <summary>
    /// The books' answer: the request is used up first (a replayed callback finds it used), the code traded for tokens,
    /// the organisation read, and the connection stored in place of any earlier one.
    /// </summary>
    public async Task<ConnectionState> CompleteAsync(string source, IReadOnlyDictionary<string, string> callback, CancellationToken cancellationToken)
    {
        callback.TryGetValue("state", out var state);
        var (request, books) = await PendingAsync(source, state, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.ConnectRequests.Where(r => r.Id == request.Id && r.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.UsedAt, now), cancellationToken) != 1)
            throw new ConnectProblemException("This link was used already: ask for a new one with `connect " + source + "`");
        if (callback.TryGetValue("error", out var error))
            throw new ConnectProblemException(error == "access_denied"
                ? $"{books.DisplayName} was not connected: access was declined on its consent page"
                : $"{books.DisplayName} answered '{error}' instead of connecting: ask for a new link and try again");
        if (!callback.TryGetValue("code", out var code) || code.Length == 0)
            throw new ConnectProblemException($"{books.DisplayName}'s answer held no code: ask for a new link and try again");

        var tokens = await Http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = books.TokenUrl, ClientId = books.ClientId, ClientSecret = books.ClientSecret, Code = code,
            RedirectUri = CallbackUri(source)!.ToString(), CodeVerifier = vault.Unprotect(request.CodeVerifier),
        }, cancellationToken);
        if (tokens.IsError || tokens.AccessToken is null || tokens.RefreshToken is null)
            throw new ConnectProblemException($"{books.DisplayName} did not accept the connection ({Said(tokens)}): ask for a new link and try again");
        var tenant = await books.TenantAsync(tokens.AccessToken, callback, cancellationToken);

        var connection = await db.SourceConnections.FirstOrDefaultAsync(c => c.Source == source, cancellationToken);
        if (connection is null)
            db.SourceConnections.Add(connection = new SourceConnection { Source = source });
        connection.Tenant = tenant.Id;
        connection.TenantName = tenant.Name;
        Store(connection, tokens, books, now);
        connection.ConnectedBy = request.RequestedBy;
        connection.ConnectedAt = now;
        connection.RevokedAt = null;
        connection.Problem = null;
        connection.MinuteCallsLeft = connection.DayCallsLeft = null;
        connection.BudgetSeenAt = null;
        db.AuditEntries.Add(new AuditEntry
        {
            At = now, Actor = request.RequestedBy, Action = AuditActions.SourceConnected, Subject = source,
            Details = $"{books.DisplayName} connected: {tenant.Name ?? tenant.Id}",
        });
        await db.SaveChangesAsync(cancellationToken);
        log.LogInformation("{Books} connected: {Tenant} (asked for by {Who})", books.DisplayName, tenant.Name ?? tenant.Id, request.RequestedBy);
        return StateOf(connection);
    }

    /// <summary>The connection forgotten here, and its refresh token revoked with the books where they allow it.</summary>
    public async Task<bool> DisconnectAsync(string source, string by, CancellationToken cancellationToken)
    {
        var books = Books(source) ?? throw new ConnectProblemException($"ChaseBot has no connection to '{source}'");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.SourceConnections.FirstOrDefaultAsync(c => c.Source == source, cancellationToken);
        if (connection is null)
            return false;
        if (books.RevocationUrl is { } revocation && await RevokeAsync(books, revocation, vault.Unprotect(connection.RefreshToken), cancellationToken) is { } refused)
            // Forgotten here all the same: the person asked for it, and the token is useless without the ledger's keys.
            log.LogWarning("{Books} did not confirm the revocation ({Said}); the connection is forgotten here all the same", books.DisplayName, refused);
        db.SourceConnections.Remove(connection);
        db.AuditEntries.Add(new AuditEntry { At = clock.GetUtcNow().UtcDateTime, Actor = by, Action = AuditActions.SourceDisconnected, Subject = source, Details = $"{books.DisplayName} disconnected" });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Revokes the refresh token with the books; null when they confirmed it, else what they said.</summary>
    private static async Task<string?> RevokeAsync(IOAuthBooks books, string revocation, string refreshToken, CancellationToken cancellationToken)
    {
        if (!books.RevokesWithJson)
        {
            var revoked = await Http.RevokeTokenAsync(new TokenRevocationRequest
            {
                Address = revocation, ClientId = books.ClientId, ClientSecret = books.ClientSecret,
                Token = refreshToken, TokenTypeHint = OidcConstants.TokenTypes.RefreshToken,
            }, cancellationToken);
            return revoked.IsError ? revoked.Error ?? revoked.HttpStatusCode.ToString() : null;
        }
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, revocation)
            {
                Content = System.Net.Http.Json.JsonContent.Create(new Dictionary<string, string> { ["token"] = refreshToken }),
            };
            request.SetBasicAuthentication(books.ClientId, books.ClientSecret);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await Http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return e.GetType().Name;
        }
    }

    private async Task<(ConnectRequest, IOAuthBooks)> PendingAsync(string source, string? state, CancellationToken cancellationToken)
    {
        var books = Books(source) ?? throw new ConnectProblemException($"ChaseBot does not connect '{source}'");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = string.IsNullOrEmpty(state) || state.Length > 64
            ? null
            : await db.ConnectRequests.AsNoTracking().FirstOrDefaultAsync(r => r.State == state && r.Source == source, cancellationToken);
        if (request is null)
            throw new ConnectProblemException($"This is not a link ChaseBot gave: ask for one with `connect {source}` (or /chase connect {source})");
        if (request.UsedAt is not null)
            throw new ConnectProblemException($"This link was used already: ask for a new one with `connect {source}`");
        if (request.ExpiresAt <= clock.GetUtcNow().UtcDateTime)
            throw new ConnectProblemException($"This link expired: links to connect last {LinkValidity.TotalMinutes:0} minutes. Ask for a new one with `connect {source}`");
        return (request, books);
    }
}
