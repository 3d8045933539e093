using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Teams;

/// <summary>A Bot Framework signing key: its RSA public parameters and the channels that endorse it.</summary>
public sealed record SigningKey(string Kid, RSAParameters Rsa, IReadOnlyList<string> Endorsements);

/// <summary>
/// The Bot Framework's signing keys, from the OpenID metadata's jwks_uri. Cached; refreshed daily, and when a token
/// names an unknown key id, at most once per few minutes and by one caller at a time, so a burst of requests (or an
/// attacker sending random key ids) causes one fetch, not a thundering herd.
/// </summary>
public sealed class BotFrameworkKeys(HttpClient http, IOptions<TeamsOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(24);
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile IReadOnlyDictionary<string, SigningKey> _keys = new Dictionary<string, SigningKey>();
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public int Fetches { get; private set; }

    public async Task<SigningKey?> FindAsync(string kid, CancellationToken cancellationToken)
    {
        if (Fresh && _keys.TryGetValue(kid, out var key))
            return key;
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (_keys.TryGetValue(kid, out key) && Fresh)
                return key; // Another caller refreshed while this one waited.
            if (!Fresh || clock.GetUtcNow() - _fetchedAt >= MinRefreshInterval)
                await FetchAsync(cancellationToken);
            return _keys.GetValueOrDefault(kid);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private bool Fresh => clock.GetUtcNow() - _fetchedAt < MaxAge;

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        Fetches++;
        using var metadata = JsonDocument.Parse(await http.GetStringAsync(options.Value.OpenIdMetadataUrl, cancellationToken));
        var jwksUri = metadata.RootElement.GetProperty("jwks_uri").GetString()
                      ?? throw new InvalidOperationException("OpenID metadata has no jwks_uri");
        using var jwks = JsonDocument.Parse(await http.GetStringAsync(jwksUri, cancellationToken));
        var keys = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        foreach (var jwk in jwks.RootElement.GetProperty("keys").EnumerateArray())
        {
            if (jwk.TryGetProperty("kty", out var kty) && kty.GetString() != "RSA")
                continue;
            if (!jwk.TryGetProperty("kid", out var kid) || !jwk.TryGetProperty("n", out var n) || !jwk.TryGetProperty("e", out var e))
                continue;
            var endorsements = jwk.TryGetProperty("endorsements", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
                : [];
            keys[kid.GetString()!] = new SigningKey(kid.GetString()!, new RSAParameters
            {
                Modulus = Base64Url.Decode(n.GetString()!),
                Exponent = Base64Url.Decode(e.GetString()!),
            }, endorsements);
        }
        _keys = keys;
        _fetchedAt = clock.GetUtcNow();
    }
}

internal static class Base64Url
{
    public static byte[] Decode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
}
