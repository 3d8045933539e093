using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace ChaseBot.Tests.Teams;

/// <summary>
/// The Bot Framework's OpenID metadata and JWKS, served on 127.0.0.1 by WireMock, with test RSA keys; and a token maker
/// that signs the way the Bot Connector does (RS256, kid in the header).
/// </summary>
public sealed class FakeBotFrameworkKeys : IAsyncDisposable
{
    public const string AppId = "00000000-1111-2222-3333-444444444444";
    public const string Issuer = "https://api.botframework.com";
    public const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
    private const string MetadataPath = "/.well-known/openidconfiguration";
    private WireMockServer _server = null!;
    private readonly ConcurrentDictionary<string, (RSA Key, string[] Endorsements)> _served = [];

    public string MetadataUrl => _server.Url + MetadataPath;
    public int MetadataRequests => _server.LogEntries.Count(e => e.RequestMessage?.Path == MetadataPath);

    public static Task<FakeBotFrameworkKeys> StartAsync()
    {
        var fake = new FakeBotFrameworkKeys { _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] }) };
        fake._server.Given(Request.Create().WithPath(MetadataPath).UsingGet()).RespondWith(Response.Create().WithBodyAsJson(new
        {
            issuer = Issuer, jwks_uri = fake._server.Url + "/keys", id_token_signing_alg_values_supported = new[] { "RS256" },
        }));
        // The key set as it is when asked: a key served later (a rotation) appears in the next fetch.
        fake._server.Given(Request.Create().WithPath("/keys").UsingGet()).RespondWith(Response.Create().WithCallback(_ => new ResponseMessage
        {
            StatusCode = 200,
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
            BodyData = new BodyData
            {
                DetectedBodyType = BodyType.String,
                BodyAsString = new JsonObject { ["keys"] = new JsonArray([.. fake._served.Select(k => (JsonNode)Jwk(k.Key, k.Value.Key, k.Value.Endorsements))]) }.ToJsonString(),
            },
        }));
        return Task.FromResult(fake);
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

    public ValueTask DisposeAsync()
    {
        _server.Stop();
        _server.Dispose();
        return ValueTask.CompletedTask;
    }
}
