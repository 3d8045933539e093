namespace ChaseBot.Core.Sources.Connections;

/// <summary>
/// Books read over OAuth 2.0 (authorisation code with PKCE, a refresh token that rotates): where to send people for
/// consent, where to trade a code or a refresh token, and how to find the organisation that was connected. Everything
/// else about connecting is the same for each (<see cref="OAuthConnections"/>).
/// </summary>
public interface IOAuthBooks
{
    /// <summary>The ledger's name for the source: "xero".</summary>
    string Source { get; }

    string DisplayName { get; }

    /// <summary>The app's client id and secret are configured: without them there is nothing to connect with.</summary>
    bool CanConnect { get; }

    string ClientId { get; }
    string ClientSecret { get; }
    string AuthorizeUrl { get; }
    string TokenUrl { get; }

    /// <summary>Where a refresh token is revoked on <c>disconnect</c>; null when the books have no such endpoint.</summary>
    string? RevocationUrl { get; }

    /// <summary>The revocation endpoint takes <c>{"token": …}</c> as JSON (Intuit) rather than RFC 7009's form (Xero).</summary>
    bool RevokesWithJson => false;

    /// <summary>The scopes asked for, space-separated: read-only, and <c>offline_access</c> where the books need it for a refresh token.</summary>
    string Scopes { get; }

    /// <summary>How long a refresh token lasts unused when the books do not say in the token response (Xero: 60 days).</summary>
    TimeSpan RefreshTokenLifetime { get; }

    /// <summary>The organisation just connected, from the callback's query and the books' own API.</summary>
    Task<ConnectedTenant> TenantAsync(string accessToken, IReadOnlyDictionary<string, string> callback, CancellationToken cancellationToken);
}

/// <summary>The organisation a connection reads: its id in the books and its name.</summary>
public sealed record ConnectedTenant(string Id, string? Name);

/// <summary>A connection the books no longer accept (revoked, expired): said once, and nothing is read until <c>connect</c>.</summary>
public sealed class ConnectionRefusedException(string source, string message) : Exception(message)
{
    public string Books { get; } = source;
}

/// <summary>Connecting cannot start or finish, for a reason the person can act on (said as it is).</summary>
public sealed class ConnectProblemException(string message) : Exception(message);
