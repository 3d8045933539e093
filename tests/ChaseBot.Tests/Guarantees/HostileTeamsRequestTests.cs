using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChaseBot.Core.Exports;
using ChaseBot.Tests.Bot;
using ChaseBot.Tests.Support;
using ChaseBot.Tests.Teams;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// /api/messages under attack, through the real Bot. Every request carries something that would change the ledger
/// (a payment) if it were ever read for meaning. A refusal has no body (nothing that helps the attacker), is logged
/// with its reason, and leaves the ledger, the stored conversations and the Bot Connector untouched.
/// </summary>
public sealed class HostileTeamsRequestTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private TeamsBot _bot = null!;
    private TestDatabase _db => _bot.Db;
    private FakeTimeProvider _clock => _bot.Clock;
    private FakeBotConnector _connector => _bot.Connector;
    private RSA _key => _bot.Key;
    private HttpClient _http => _bot.Http;

    public async Task InitializeAsync() => _bot = await TeamsBot.StartAsync(logs: _logs);

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    private string Token(Action<JsonObject>? claims = null, RSA? key = null, string kid = "k1", string alg = "RS256") =>
        FakeBotFrameworkKeys.Token(key ?? _key, kid, _clock.GetUtcNow(), c =>
        {
            c["serviceurl"] = _connector.BaseUrl;
            claims?.Invoke(c);
        }, alg);

    /// <summary>A message that logs a payment if it is ever processed.</summary>
    private string Payment(string? serviceUrl = null) => new JsonObject
    {
        ["type"] = "message", ["id"] = "1", ["channelId"] = "msteams", ["serviceUrl"] = serviceUrl ?? _connector.BaseUrl,
        ["text"] = "paid INV-0101 100",
        ["from"] = new JsonObject { ["id"] = "29:user-1", ["aadObjectId"] = "aad-user-1" },
        ["recipient"] = new JsonObject { ["id"] = "28:chasebot" },
        ["conversation"] = new JsonObject { ["id"] = "a:personal-1", ["conversationType"] = "personal" },
    }.ToJsonString();

    public static TheoryData<string, HttpStatusCode, string> Attacks => new()
    {
        { "expired", HttpStatusCode.Unauthorized, "expired" },
        { "not yet valid", HttpStatusCode.Unauthorized, "not valid yet" },
        { "another audience", HttpStatusCode.Unauthorized, "wrong audience" },
        { "another issuer", HttpStatusCode.Unauthorized, "wrong issuer" },
        { "signed with another key", HttpStatusCode.Unauthorized, "signature does not verify" },
        { "alg none", HttpStatusCode.Unauthorized, "is not RS256" },
        { "unknown key id", HttpStatusCode.Unauthorized, "unknown signing key" },
        { "no token", HttpStatusCode.Unauthorized, "" },
        { "a serviceUrl the token does not name", HttpStatusCode.Unauthorized, "serviceUrl" },
        { "a channel the key is not endorsed for", HttpStatusCode.Unauthorized, "endorse" },
        { "oversized", HttpStatusCode.RequestEntityTooLarge, "size limit" },
        { "oversized, sent in chunks", HttpStatusCode.RequestEntityTooLarge, "size limit" },
        { "malformed JSON", HttpStatusCode.BadRequest, "" },
        { "JSON that is not an activity", HttpStatusCode.BadRequest, "" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_hostile_request_is_refused_before_it_is_read_for_meaning_says_nothing_and_is_logged(string attack, HttpStatusCode expected, string logged)
    {
        var body = Payment();
        string? token = Token();
        HttpContent? content = null;
        switch (attack)
        {
            case "expired": token = Token(c => c["exp"] = _clock.GetUtcNow().AddMinutes(-6).ToUnixTimeSeconds()); break;
            case "not yet valid": token = Token(c => c["nbf"] = _clock.GetUtcNow().AddMinutes(6).ToUnixTimeSeconds()); break;
            case "another audience": token = Token(c => c["aud"] = "another-bot"); break;
            case "another issuer": token = Token(c => c["iss"] = "https://evil.example"); break;
            case "signed with another key": token = Token(key: RSA.Create(2048)); break;
            case "alg none": token = Token(alg: "none").Split('.')[0] + "." + Token().Split('.')[1] + ".AAAA"; break;
            case "unknown key id": token = Token(kid: "k9"); break;
            case "no token": token = null; break;
            case "a serviceUrl the token does not name": body = Payment("https://evil.example/"); break;
            case "a channel the key is not endorsed for": body = body.Replace("\"msteams\"", "\"skype\""); break;
            case "oversized": body = body.Replace("paid INV-0101 100", "paid INV-0101 100 " + new string('x', 300_000)); break;
            case "oversized, sent in chunks":
                content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body.Replace("paid INV-0101 100", "paid INV-0101 100 " + new string('x', 300_000)))));
                content.Headers.ContentLength = null; // Transfer-Encoding: chunked
                break;
            case "malformed JSON": body = body[..^5]; break;
            case "JSON that is not an activity": body = "[\"paid INV-0101 100\"]"; break;
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = content ?? new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (attack == "oversized, sent in chunks")
            request.Headers.TransferEncodingChunked = true;
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await _http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        if (expected != HttpStatusCode.BadRequest)
            Assert.Contains(_logs.Lines, l => l.Message.StartsWith("Refused POST /api/messages", StringComparison.Ordinal) && l.Message.Contains(logged));
        await using var db = _db.Open();
        Assert.False(await db.Payments.AnyAsync(), "the payment in the request was processed");
        Assert.False(await db.ConversationReferences.AnyAsync(), "the conversation was remembered");
        Assert.Empty(_connector.Calls);
    }
}
