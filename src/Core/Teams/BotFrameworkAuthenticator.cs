using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ChaseBot.Core.Teams;

/// <summary>What a valid token says about its caller, for the checks that need the activity too.</summary>
public sealed record BotFrameworkCaller(string? ServiceUrl, IReadOnlyList<string> Endorsements);

/// <summary>
/// Validates the Bot Framework JWT on every inbound Teams request. Microsoft.IdentityModel fetches and caches the
/// signing keys (OpenID metadata → jwks_uri) and checks signature, issuer, audience and lifetime. What it does not do
/// is done here: RS256 only (never "none", never HS256, whatever the key set allows), five minutes' skew measured on
/// the app's clock, and after the token, the activity: its serviceUrl must be the token's, and a key with
/// endorsements must endorse the activity's channel. Any failure: not authenticated.
/// </summary>
public sealed class BotFrameworkAuthenticator(IConfigurationManager<OpenIdConnectConfiguration> signingKeys, IOptions<TeamsOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);
    private const int MaxTokenLength = 16_384;
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>
    /// The Bot Framework's signing keys, refreshed daily, and at once when a token names a key not seen yet — at most
    /// once per five minutes, so random key ids cannot make us fetch in a herd.
    /// </summary>
    public static ConfigurationManager<OpenIdConnectConfiguration> SigningKeys(string metadataUrl, HttpClient http)
    {
        // By default a refresh the library decides on runs in the background and this request is judged on the old keys:
        // the first activity signed by a rotated key would be refused. Blocking makes that request wait for the new set.
        AppContext.SetSwitch("Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking", true);
        var loopback = Uri.TryCreate(metadataUrl, UriKind.Absolute, out var uri) && uri.IsLoopback;
        return new ConfigurationManager<OpenIdConnectConfiguration>(metadataUrl, new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(http) { RequireHttps = !loopback })
        {
            AutomaticRefreshInterval = TimeSpan.FromDays(1),
            RefreshInterval = TimeSpan.FromMinutes(5),
        };
    }

    /// <summary>The caller, or why the token is refused (for the log only, never for the response).</summary>
    public async Task<(BotFrameworkCaller? Caller, string? Problem)> ValidateAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
            return (null, "no bearer token");
        var raw = authorization[7..].Trim();
        if (raw.Length > MaxTokenLength || raw.Split('.') is not { Length: 3 } parts || parts.Any(p => p.Length == 0))
            return (null, "not a signed JWT");
        JsonWebToken token;
        try
        {
            token = Handler.ReadJsonWebToken(raw);
        }
        catch (ArgumentException)
        {
            return (null, "token is not valid base64url JSON");
        }
        if (token.Alg != SecurityAlgorithms.RsaSha256)
            return (null, $"algorithm '{token.Alg}' is not RS256");
        if (string.IsNullOrEmpty(token.Kid))
            return (null, "no key id");

        JsonWebKey? key;
        try
        {
            key = Key(await signingKeys.GetConfigurationAsync(cancellationToken), token.Kid);
            if (key is null)
            {
                signingKeys.RequestRefresh(); // a rotated key; throttled by the manager's RefreshInterval
                key = Key(await signingKeys.GetConfigurationAsync(cancellationToken), token.Kid);
            }
        }
        catch (InvalidOperationException e)
        {
            return (null, $"the signing keys could not be fetched ({e.Message})");
        }
        if (key is null)
            return (null, "unknown signing key");

        var result = await Handler.ValidateTokenAsync(token, Parameters(key));
        if (!result.IsValid)
            return (null, Problem(result.Exception));
        var serviceUrl = token.TryGetPayloadValue<string>("serviceurl", out var url) ? url
            : token.TryGetPayloadValue<string>("serviceUrl", out url) ? url : null;
        return (new BotFrameworkCaller(serviceUrl, Endorsements(key)), null);
    }

    /// <summary>The checks that need the activity: same serviceUrl as the token, and an endorsed channel.</summary>
    public static string? ActivityProblem(BotFrameworkCaller caller, string? serviceUrl, string? channelId)
    {
        if (caller.ServiceUrl is null || serviceUrl is null ||
            !string.Equals(caller.ServiceUrl.TrimEnd('/'), serviceUrl.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            return "the activity's serviceUrl is not the token's";
        if (caller.Endorsements.Count > 0 && (channelId is null || !caller.Endorsements.Contains(channelId)))
            return $"the signing key does not endorse channel '{channelId}'";
        return null;
    }

    private TokenValidationParameters Parameters(JsonWebKey key) => new()
    {
        ValidIssuer = options.Value.Issuer,
        ValidAudience = options.Value.AppId,
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = Skew,
        // The library reads the machine's clock; the lifetime is judged on the app's, so a test clock governs it too.
        LifetimeValidator = (notBefore, expires, _, _) => Lifetime(notBefore, expires),
    };

    private bool Lifetime(DateTime? notBefore, DateTime? expires)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (expires is null)
            throw new SecurityTokenNoExpirationException("expired (or no expiry)");
        if (now > expires.Value + Skew)
            throw new SecurityTokenExpiredException("expired (or no expiry)");
        if (notBefore is { } from && now < from - Skew)
            throw new SecurityTokenNotYetValidException("not valid yet");
        return true;
    }

    private static string Problem(Exception? refusal) => refusal switch
    {
        SecurityTokenInvalidSignatureException => "signature does not verify",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenNoExpirationException or SecurityTokenExpiredException => "expired (or no expiry)",
        SecurityTokenNotYetValidException => "not valid yet",
        SecurityTokenInvalidAlgorithmException => "algorithm is not RS256",
        null => "refused",
        _ => refusal.GetType().Name,
    };

    private static JsonWebKey? Key(OpenIdConnectConfiguration metadata, string kid) =>
        metadata.JsonWebKeySet?.Keys.FirstOrDefault(k => k.Kid == kid && k.Kty == JsonWebAlgorithmsKeyTypes.RSA);

    /// <summary>The channels a Bot Framework key is endorsed for: an extension member of the JWK the library keeps aside.</summary>
    private static IReadOnlyList<string> Endorsements(JsonWebKey key) =>
        !key.AdditionalData.TryGetValue("endorsements", out var value) ? []
        : value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Select(e => e.ToString())],
            IEnumerable<object> list => [.. list.Select(e => e?.ToString() ?? "")],
            _ => [],
        };
}
