using Microsoft.Extensions.Time.Testing;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChaseBot.Core.Teams;
using ChaseBot.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ChaseBot.Tests.Teams;

public sealed class BotFrameworkAuthenticatorTests : IAsyncLifetime
{
    private FakeBotFrameworkKeys _server = null!;
    private RSA _key = null!;
    private readonly FakeTimeProvider _clock = Clocks.At("2026-11-23T10:00:00Z");
    private ConfigurationManager<OpenIdConnectConfiguration> _keys = null!;
    private BotFrameworkAuthenticator _auth = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeBotFrameworkKeys.StartAsync();
        _key = _server.Serve("k1", "msteams");
        var options = Options.Create(new TeamsOptions { AppId = FakeBotFrameworkKeys.AppId, AppPassword = "p", OpenIdMetadataUrl = _server.MetadataUrl });
        _keys = BotFrameworkAuthenticator.SigningKeys(_server.MetadataUrl, new HttpClient());
        _auth = new BotFrameworkAuthenticator(_keys, options, _clock);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<(BotFrameworkCaller? Caller, string? Problem)> Validate(string token) => _auth.ValidateAsync("Bearer " + token, CancellationToken.None);

    private string Token(Action<JsonObject>? claims = null, RSA? key = null, string kid = "k1", string alg = "RS256") =>
        FakeBotFrameworkKeys.Token(key ?? _key, kid, _clock.GetUtcNow(), claims, alg);

    [Fact]
    public async Task A_token_signed_by_the_Bot_Framework_for_this_bot_is_accepted()
    {
        var (caller, problem) = await Validate(Token());

        Assert.Null(problem);
        Assert.Equal(FakeBotFrameworkKeys.ServiceUrl, caller!.ServiceUrl);
        Assert.Null(BotFrameworkAuthenticator.ActivityProblem(caller, FakeBotFrameworkKeys.ServiceUrl, "msteams"));
    }

    public static TheoryData<string, Func<BotFrameworkAuthenticatorTests, string>, string> Refusals => new()
    {
        { "wrong key", t => t.Token(key: RSA.Create(2048)), "signature does not verify" },
        { "wrong audience", t => t.Token(c => c["aud"] = "someone-else"), "wrong audience" },
        { "wrong issuer", t => t.Token(c => c["iss"] = "https://evil.example"), "wrong issuer" },
        { "expired", t => t.Token(c => c["exp"] = t._clock.GetUtcNow().AddMinutes(-6).ToUnixTimeSeconds()), "expired" },
        { "no expiry", t => t.Token(c => c.Remove("exp")), "expired" },
        { "not yet valid", t => t.Token(c => c["nbf"] = t._clock.GetUtcNow().AddMinutes(6).ToUnixTimeSeconds()), "not valid yet" },
        { "alg none", t => t.Token(alg: "none").Split('.')[0] + "." + t.Token().Split('.')[1] + ".AAAA", "is not RS256" },
        { "HS256 with the public key as secret", t => t.Hs256WithPublicKey(), "is not RS256" },
        { "unknown kid", t => t.Token(kid: "k9"), "unknown signing key" },
        { "garbage", _ => "not.a.token", "not valid base64url JSON" },
        { "two parts", _ => "abc.def", "not a signed JWT" },
        { "tampered payload", t => t.Tampered(), "signature does not verify" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Anything_wrong_with_the_token_refuses_it(string why, Func<BotFrameworkAuthenticatorTests, string> token, string expected)
    {
        var (caller, problem) = await Validate(token(this));
        Assert.Null(caller);
        Assert.True(problem?.Contains(expected) == true, $"{why}: {problem}");
    }

    [Fact]
    public async Task No_bearer_token_at_all_is_refused()
    {
        Assert.Equal("no bearer token", (await _auth.ValidateAsync(null, CancellationToken.None)).Problem);
        Assert.Equal("no bearer token", (await _auth.ValidateAsync("Basic abc", CancellationToken.None)).Problem);
    }

    [Fact]
    public async Task An_activity_from_another_service_url_or_an_unendorsed_channel_is_refused()
    {
        var (caller, _) = await Validate(Token());

        Assert.Contains("serviceUrl", BotFrameworkAuthenticator.ActivityProblem(caller!, "https://evil.example/", "msteams"));
        Assert.Contains("does not endorse channel 'webchat'", BotFrameworkAuthenticator.ActivityProblem(caller!, FakeBotFrameworkKeys.ServiceUrl, "webchat"));
        Assert.Contains("serviceUrl", BotFrameworkAuthenticator.ActivityProblem(caller! with { ServiceUrl = null }, FakeBotFrameworkKeys.ServiceUrl, "msteams"));
    }

    [Fact]
    public async Task A_rotated_key_is_found_by_refreshing_once_when_an_unknown_kid_arrives_and_never_in_a_herd()
    {
        Assert.Null((await Validate(Token())).Problem); // first fetch
        var rotated = _server.Serve("k2", "msteams");

        Assert.Null((await Validate(Token(key: rotated, kid: "k2"))).Problem); // the first request signed by it waits for the new set
        Assert.Equal(2, _server.MetadataRequests);

        // Random key ids, all at once: refused, and no fetch of their own (refreshes are at most one per five minutes).
        var herd = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Validate(Token(kid: $"k{100 + i}")))));
        Assert.All(herd, r => Assert.Contains("unknown signing key", r.Problem));
        Assert.Equal(2, _server.MetadataRequests);
    }

    [Fact]
    public void Keys_are_refreshed_at_least_daily_and_on_demand_at_most_every_five_minutes()
    {
        Assert.True(_keys.AutomaticRefreshInterval <= TimeSpan.FromDays(1), $"{_keys.AutomaticRefreshInterval}");
        Assert.Equal(TimeSpan.FromMinutes(5), _keys.RefreshInterval);
    }

    [Fact]
    public async Task Signing_keys_that_cannot_be_fetched_refuse_the_request_and_say_why()
    {
        var auth = new BotFrameworkAuthenticator(BotFrameworkAuthenticator.SigningKeys("http://127.0.0.1:9/.well-known/openidconfiguration", new HttpClient()),
            Options.Create(new TeamsOptions { AppId = FakeBotFrameworkKeys.AppId, AppPassword = "p" }), _clock);

        var (caller, problem) = await auth.ValidateAsync("Bearer " + Token(), CancellationToken.None);

        Assert.Null(caller);
        Assert.Contains("signing keys could not be fetched", problem);
    }

    private string Hs256WithPublicKey()
    {
        var header = new JsonObject { ["alg"] = "HS256", ["kid"] = "k1", ["typ"] = "JWT" };
        var payload = JsonNode.Parse(Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(Token().Split('.')[1])))!.AsObject();
        var signed = $"{FakeBotFrameworkKeys.Encode(header)}.{FakeBotFrameworkKeys.Encode(payload)}";
        var secret = _key.ExportSubjectPublicKeyInfo();
        return $"{signed}.{System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signed)))}";
    }

    private string Tampered()
    {
        var parts = Token().Split('.');
        var payload = JsonNode.Parse(Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])))!.AsObject();
        payload["aud"] = FakeBotFrameworkKeys.AppId;
        payload["serviceurl"] = "https://evil.example/";
        return $"{parts[0]}.{FakeBotFrameworkKeys.Encode(payload)}.{parts[2]}";
    }
}
