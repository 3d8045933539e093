using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Teams;

/// <summary>What a valid token says about its caller, for the checks that need the activity too.</summary>
public sealed record BotFrameworkCaller(string? ServiceUrl, IReadOnlyList<string> Endorsements);

/// <summary>
/// Validates the Bot Framework JWT on every inbound Teams request, with .NET's own RSA (no IdentityModel packages:
/// see environment.md). RS256 only — never "none", never HS256 — with the key named by kid; then issuer, audience
/// (the bot's app id) and lifetime with five minutes' skew. The activity is checked after: its serviceUrl must be
/// the token's, and a key with endorsements must endorse the activity's channel. Any failure: not authenticated.
/// </summary>
public sealed class BotFrameworkAuthenticator(BotFrameworkKeys keys, IOptions<TeamsOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>The caller, or why the token is refused (for the log only, never for the response).</summary>
    public async Task<(BotFrameworkCaller? Caller, string? Problem)> ValidateAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
            return (null, "no bearer token");
        var parts = authorization[7..].Trim().Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0) || authorization.Length > 16_384)
            return (null, "not a signed JWT");
        JsonElement header, payload;
        byte[] signature;
        try
        {
            header = JsonDocument.Parse(Base64Url.Decode(parts[0])).RootElement;
            payload = JsonDocument.Parse(Base64Url.Decode(parts[1])).RootElement;
            signature = Base64Url.Decode(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return (null, "token is not valid base64url JSON");
        }
        if (header.ValueKind != JsonValueKind.Object || payload.ValueKind != JsonValueKind.Object)
            return (null, "token parts are not JSON objects");
        if (String(header, "alg") != "RS256")
            return (null, $"algorithm '{String(header, "alg")}' is not RS256");
        if (String(header, "kid") is not { } kid)
            return (null, "no key id");

        var key = await keys.FindAsync(kid, cancellationToken);
        if (key is null)
            return (null, "unknown signing key");
        using (var rsa = RSA.Create(key.Rsa))
            if (!rsa.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                return (null, "signature does not verify");

        var o = options.Value;
        if (String(payload, "iss") != o.Issuer)
            return (null, "wrong issuer");
        if (!Audiences(payload).Contains(o.AppId))
            return (null, "wrong audience");
        var now = clock.GetUtcNow();
        if (Time(payload, "exp") is not { } expires || now > expires + Skew)
            return (null, "expired (or no expiry)");
        if (Time(payload, "nbf") is { } notBefore && now < notBefore - Skew)
            return (null, "not valid yet");
        return (new BotFrameworkCaller(String(payload, "serviceurl") ?? String(payload, "serviceUrl"), key.Endorsements), null);
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

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<string?> Audiences(JsonElement payload) =>
        !payload.TryGetProperty("aud", out var aud) ? []
        : aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString() : null)
        : [aud.ValueKind == JsonValueKind.String ? aud.GetString() : null];

    private static DateTimeOffset? Time(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799))
            : null;
}
