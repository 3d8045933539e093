using ChaseBot.Tests.Support;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ChaseBot.Tests.Teams;

/// <summary>
/// The Bot Framework's OpenID metadata and JWKS, served on 127.0.0.1 by Kestrel, with test RSA keys; and a token maker
/// that signs the way the Bot Connector does (RS256, kid in the header).
/// </summary>
public sealed class FakeBotFrameworkKeys : IAsyncDisposable
{
    public const string AppId = "00000000-1111-2222-3333-444444444444";
    public const string Issuer = "https://api.botframework.com";
    public const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
    private WebApplication _app = null!;
    private readonly Dictionary<string, (RSA Key, string[] Endorsements)> _served = [];


    public string MetadataUrl { get; private set; } = "";
    public int MetadataRequests { get; private set; }

    public static async Task<FakeBotFrameworkKeys> StartAsync()
    {
        var fake = new FakeBotFrameworkKeys();
        (fake._app, var baseUrl) = await Loopback.StartAsync(app =>
        {
            app.MapGet("/.well-known/openidconfiguration", (HttpContext context) =>
            {
                fake.MetadataRequests++;
                return Results.Json(new { issuer = Issuer, jwks_uri = $"{context.Request.Scheme}://{context.Request.Host}/keys", id_token_signing_alg_values_supported = new[] { "RS256" } });
            });
            app.MapGet("/keys", () => Results.Json(new { keys = fake._served.Select(k => Jwk(k.Key, k.Value.Key, k.Value.Endorsements)) }));
        });
        fake.MetadataUrl = baseUrl + "/.well-known/openidconfiguration";
        return fake;
    }

    public RSA Serve(string kid, params string[] endorsements)
    {
        var key = RSA.Create(2048);
        _served[kid] = (key, endorsements);
        return key;
    }

    private static JsonObject Jwk(string kid, RSA key, string[] endorsements)
    {
        var p = key.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA", ["use"] = "sig", ["kid"] = kid,
            ["n"] = System.Buffers.Text.Base64Url.EncodeToString(p.Modulus), ["e"] = System.Buffers.Text.Base64Url.EncodeToString(p.Exponent),
            ["endorsements"] = new JsonArray([.. endorsements.Select(e => (JsonNode)e)]),
        };
    }

    public static string Token(RSA key, string kid, DateTimeOffset now, Action<JsonObject>? claims = null, string alg = "RS256")
    {
        var header = new JsonObject { ["alg"] = alg, ["kid"] = kid, ["typ"] = "JWT" };
        var payload = new JsonObject
        {
            ["iss"] = Issuer, ["aud"] = AppId, ["serviceurl"] = ServiceUrl,
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(), ["exp"] = now.AddMinutes(59).ToUnixTimeSeconds(),
        };
        claims?.Invoke(payload);
        var signed = $"{Encode(header)}.{Encode(payload)}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{System.Buffers.Text.Base64Url.EncodeToString(signature)}";
    }

    public static string Encode(JsonObject json) =>
        System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString(new JsonSerializerOptions())));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
