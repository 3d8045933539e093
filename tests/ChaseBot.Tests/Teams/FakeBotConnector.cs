using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ChaseBot.Tests.Teams;

public sealed record ConnectorCall(string Method, string Path, string? Authorization, JsonObject Body, DateTimeOffset At);

/// <summary>
/// The Bot Framework token endpoint and the Bot Connector REST API, faked on 127.0.0.1 by Kestrel. Not WireMock: its
/// faults (2.21: an empty 200, or a 200 with a garbled body) cannot drop a connection before the status line, which is
/// the failure <see cref="PlatformFaults"/> injects and the client must retry.
/// </summary>
public sealed class FakeBotConnector : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentQueue<SlackAnswer> _script = new();
    private int _tokens;
    private int _activities;


    public ConcurrentQueue<ConnectorCall> Calls { get; } = new();

    /// <summary>When set, posting activities misbehaves at random (seeded) and is paced per conversation.</summary>
    public PlatformFaults? Faults { get; set; }

    /// <summary>Activities the Connector answered with an id, by "conversation/activity id": what "delivered" means to Teams.</summary>
    public ConcurrentDictionary<string, ConnectorCall> Accepted { get; } = new();
    public string BaseUrl { get; private set; } = "";
    public string TokenUrl => BaseUrl + "/token";
    public int TokenRequests => _tokens;

    public void Script(params SlackAnswer[] answers)
    {
        foreach (var answer in answers)
            _script.Enqueue(answer);
    }

    public static async Task<FakeBotConnector> StartAsync()
    {
        var fake = new FakeBotConnector();
        (fake._app, var baseUrl) = await Loopback.StartAsync(app =>
        {
            app.MapPost("/token", async (HttpContext context) =>
            {
                var form = await context.Request.ReadFormAsync();
                if (form["grant_type"] != "client_credentials" || form["client_id"] != FakeBotFrameworkKeys.AppId ||
                    form["client_secret"] != "app-password" || form["scope"] != "https://api.botframework.com/.default")
                    return Results.StatusCode(400);
                var n = Interlocked.Increment(ref fake._tokens);
                return Results.Json(new { token_type = "Bearer", expires_in = 3600, access_token = $"tok-{n}" });
            });
            app.Map("/v3/conversations/{**rest}", (Delegate)fake.ConnectorAsync);
            app.MapPost("/v3/conversations", (Delegate)fake.ConnectorAsync);
        });
        fake.BaseUrl = baseUrl;
        return fake;
    }

    private async Task<IResult> ConnectorAsync(HttpContext context)
    {
        var text = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var body = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) as JsonObject ?? [];
        var call = new ConnectorCall(context.Request.Method, context.Request.Path, context.Request.Headers.Authorization, body, DateTimeOffset.UtcNow);
        Calls.Enqueue(call);
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer tok-", StringComparison.Ordinal))
            return Results.StatusCode(401);
        if (_script.TryDequeue(out var answer))
        {
            if (answer.RetryAfter is { } seconds)
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (answer.Status != 200)
                return Results.StatusCode(answer.Status);
        }
        if (context.Request.Path == "/v3/conversations")
            return Results.Json(new { id = "a:personal-" + body["members"]?[0]?["id"] });
        var path = context.Request.Path.Value!;
        var posting = context.Request.Method == "POST" && path.EndsWith("/activities", StringComparison.Ordinal);
        var conversation = posting ? Uri.UnescapeDataString(path["/v3/conversations/".Length..^"/activities".Length]) : "";
        if (posting && Faults is { } faults && await faults.MisbehaveAsync(conversation) is { } fault)
        {
            if (fault.Drop)
            {
                context.Abort();
                return Results.Empty;
            }
            if (fault.Gone)
                return Results.StatusCode(404);
            if (fault.RetryAfter is { } wait)
                context.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.StatusCode(fault.Status);
        }
        var id = $"act-{Interlocked.Increment(ref _activities)}";
        if (posting)
            Accepted[$"{conversation}/{id}"] = call; // this request's own call: with posts in parallel, the queue's last may be another's
        return Results.Json(new { id });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
