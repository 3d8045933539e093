using System.Text.Json;
using ChaseBot.Core.Storage;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Sources.Connections;

/// <summary>A link to connect books: open it within 15 minutes, once.</summary>
public sealed record ConnectLink(Uri Link, DateTime ExpiresAt);

/// <summary>A connection as <c>sources</c> shows it (never a token).</summary>
public sealed record ConnectionState(string Tenant, string? TenantName, DateTime ConnectedAt, string ConnectedBy, DateTime? RevokedAt, string? Problem,
    int? MinuteCallsLeft, int? DayCallsLeft, DateTime? BudgetSeenAt);

/// <summary>
/// Connecting books over OAuth 2.0 and keeping the connection alive: the one-time link, the consent page with PKCE, the
/// code traded for tokens, the organisation stored; then an access token on demand, refreshed before it expires. The
/// refresh token rotates on every refresh and is stored only once the books have answered, so a refresh that gets no
/// answer leaves the old one in place for the retry (Xero keeps it valid 30 minutes for exactly that). Two replicas
/// refreshing at once: the second's write loses on <see cref="SourceConnection.Version"/> and it reads the winner's tokens.
/// </summary>
public sealed partial class OAuthConnections(IEnumerable<IOAuthBooks> books, IDbContextFactory<ChaseDbContext> dbFactory, TokenVault vault,
    IOptions<BotOptions> bot, TimeProvider clock, ILogger<OAuthConnections> log)
{
    /// <summary>How long a link to connect stays valid.</summary>
    public static readonly TimeSpan LinkValidity = TimeSpan.FromMinutes(15);

    /// <summary>How long the reconnect link in a "connection refused" message stays valid: the message may wait for working hours.</summary>
    public static readonly TimeSpan ReconnectValidity = TimeSpan.FromHours(24);

    /// <summary>An access token this close to expiry is refreshed first: a sync's calls should not straddle its end.</summary>
    private static readonly TimeSpan RefreshAhead = TimeSpan.FromMinutes(2);

    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    private readonly IReadOnlyList<IOAuthBooks> _books = [.. books];
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    public IOAuthBooks? Books(string source) => _books.FirstOrDefault(b => b.Source == source);

    public IReadOnlyList<IOAuthBooks> All => _books;

    /// <summary>The redirect URI registered with the books' app: the Bot's callback.</summary>
    public Uri? CallbackUri(string source) => bot.Value.Link($"connect/{source}/callback");

    /// <summary>An access token for <paramref name="source"/> and its organisation, refreshed first when it is about to expire (or when the books just refused it).</summary>
    public async Task<(string AccessToken, string Tenant)> AccessAsync(string source, bool refusedJustNow = false, CancellationToken cancellationToken = default)
    {
        var connection = await ReadAsync(source, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (!refusedJustNow && connection.AccessExpiresAt - RefreshAhead > now)
            return (vault.Unprotect(connection.AccessToken), connection.Tenant);
        await _refreshing.WaitAsync(cancellationToken); // one refresh at a time in this process; other replicas are met by Version
        try
        {
            var fresh = await ReadAsync(source, cancellationToken);
            if (fresh.Version != connection.Version && fresh.AccessExpiresAt - RefreshAhead > now)
                return (vault.Unprotect(fresh.AccessToken), fresh.Tenant); // refreshed meanwhile
            return await RefreshAsync(fresh, cancellationToken);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task<(string, string)> RefreshAsync(SourceConnection connection, CancellationToken cancellationToken)
    {
        var books = Books(connection.Source)!;
        var tokens = await Http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = books.TokenUrl, ClientId = books.ClientId, ClientSecret = books.ClientSecret, RefreshToken = vault.Unprotect(connection.RefreshToken),
        }, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var now = clock.GetUtcNow().UtcDateTime;
        if (tokens.ErrorType == ResponseErrorType.Exception || (tokens.IsError && (int)tokens.HttpStatusCode >= 500))
            // No answer (or a server error): the refresh token we hold is still the one the books know (or within their
            // grace period), so it is kept for the next try, and this sync says the books could not be reached.
            throw new HttpRequestException($"{books.DisplayName}'s token endpoint gave no answer ({Said(tokens)}); the connection is kept and the next sync tries again",
                tokens.Exception, tokens.HttpStatusCode == 0 ? null : tokens.HttpStatusCode);
        if (tokens.IsError || tokens.AccessToken is null)
        {
            var problem = tokens.Error == OidcConstants.TokenErrors.InvalidGrant
                ? $"{books.DisplayName} no longer accepts ChaseBot's connection (revoked in {books.DisplayName}, or unused for too long)"
                : $"{books.DisplayName} refused to renew ChaseBot's connection ({Said(tokens)})";
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.SourceConnections.Where(c => c.Id == connection.Id && c.Version == connection.Version).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.RevokedAt, now).SetProperty(c => c.Problem, problem), cancellationToken);
            log.LogWarning("{Books}: {Problem}", books.DisplayName, problem);
            throw new ConnectionRefusedException(connection.Source, problem);
        }
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.Attach(connection);
            Store(connection, tokens, books, now);
            connection.RefreshedAt = now;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another replica refreshed first and stored its tokens; ours are as valid, but theirs are the ones kept.
                var theirs = await ReadAsync(connection.Source, cancellationToken);
                return (vault.Unprotect(theirs.AccessToken), theirs.Tenant);
            }
        }
        return (tokens.AccessToken, connection.Tenant);
    }

    /// <summary>What the books said was left of their rate limits at the last answer, for <c>sources</c>.</summary>
    public async Task RecordBudgetAsync(string source, int? minuteLeft, int? dayLeft, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.SourceConnections.Where(c => c.Source == source).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.MinuteCallsLeft, minuteLeft).SetProperty(c => c.DayCallsLeft, dayLeft).SetProperty(c => c.BudgetSeenAt, now), cancellationToken);
    }

    /// <summary>Someone connected <paramref name="source"/> (a connection the books refused still counts: its clients are held until it is renewed).</summary>
    public bool Holds(string source)
    {
        using var db = dbFactory.CreateDbContext();
        return db.SourceConnections.Any(c => c.Source == source);
    }

    public async Task<ConnectionState?> StateAsync(string source, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.SourceConnections.AsNoTracking().FirstOrDefaultAsync(c => c.Source == source, cancellationToken);
        return connection is null ? null : StateOf(connection);
    }

    private async Task<SourceConnection> ReadAsync(string source, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.SourceConnections.AsNoTracking().FirstOrDefaultAsync(c => c.Source == source, cancellationToken);
        var name = Books(source)?.DisplayName ?? source;
        if (connection is null)
            throw new ConnectionRefusedException(source, $"{name} is not connected: connect it with `connect {source}`");
        if (connection.RevokedAt is not null)
            throw new ConnectionRefusedException(source, connection.Problem ?? $"{name} no longer accepts ChaseBot's connection");
        return connection;
    }

    private void Store(SourceConnection connection, TokenResponse tokens, IOAuthBooks books, DateTime now)
    {
        connection.AccessToken = vault.Protect(tokens.AccessToken!);
        connection.AccessExpiresAt = now.AddSeconds(tokens.ExpiresIn > 0 ? tokens.ExpiresIn : 1800);
        if (tokens.RefreshToken is { } refresh) // rotated: the old one is dead once the new one is stored
            connection.RefreshToken = vault.Protect(refresh);
        // QuickBooks says how long the refresh token lasts (100 days rolling, never past its hard limit); Xero's lasts
        // 60 days from its last use.
        var rolling = SecondsIn(tokens, "x_refresh_token_expires_in") is { } seconds ? now.AddSeconds(seconds) : now + books.RefreshTokenLifetime;
        connection.RefreshExpiresAt = SecondsIn(tokens, "x_refresh_token_hard_expires_in") is { } hard && now.AddSeconds(hard) < rolling
            ? now.AddSeconds(hard)
            : rolling;
        connection.Version++;
    }

    private static long? SecondsIn(TokenResponse tokens, string field) =>
        tokens.Json is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty(field, out var value) && value.TryGetInt64(out var seconds)
            ? seconds
            : null;

    /// <summary>The error, never the body (it may echo a token).</summary>
    private static string Said(TokenResponse tokens) => tokens.ErrorType switch
    {
        ResponseErrorType.Exception => tokens.Exception?.GetType().Name ?? "no answer",
        _ when tokens.Error is { Length: > 0 and < 80 } error => $"{(int)tokens.HttpStatusCode} {error}",
        _ => $"HTTP {(int)tokens.HttpStatusCode}",
    };

    private static ConnectionState StateOf(SourceConnection c) =>
        new(c.Tenant, c.TenantName, c.ConnectedAt, c.ConnectedBy, c.RevokedAt, c.Problem, c.MinuteCallsLeft, c.DayCallsLeft, c.BudgetSeenAt);
}
