using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace ChaseBot.Tests.Support;

public sealed record SlackCall(string Path, string? Authorization, string? ContentType, JsonObject Body, DateTimeOffset At);

/// <summary>What the fake answers to one call: a status, a JSON body, a delay, or a dropped connection.</summary>
public sealed record SlackAnswer(int Status = 200, string? Json = null, TimeSpan Delay = default, bool Drop = false, int? RetryAfter = null);

/// <summary>
/// Slack's Web API and response_urls, faked on 127.0.0.1 by a real Kestrel server: it checks the bearer token and
/// JSON body like Slack does, records every call, and answers what the test scripts (ok:false, 429, 5xx, slow, drop).
/// </summary>
public sealed class FakeSlack : IAsyncDisposable
{
    public const string Token = "xoxb-test-token";
    private WebApplication _app = null!;
    private readonly ConcurrentQueue<SlackAnswer> _script = new();
    private int _ts;


    public ConcurrentQueue<SlackCall> Calls { get; } = new();

    /// <summary>How long every Web API call takes to answer (a slow Slack, so a drain is still running when the test acts).</summary>
    public TimeSpan Latency { get; set; }
    public string BaseUrl { get; private set; } = "";
    public string ApiUrl => BaseUrl + "/api/";
    public string HooksUrl => BaseUrl + "/hooks/";

    /// <summary>Answers for the next calls to the Web API, in order; after them every call succeeds.</summary>
    public void Script(params SlackAnswer[] answers)
    {
        foreach (var answer in answers)
            _script.Enqueue(answer);
    }

    public static async Task<FakeSlack> StartAsync()
    {
        var fake = new FakeSlack();
        (fake._app, var baseUrl) = await Loopback.StartAsync(app =>
        {
            app.MapPost("/api/{method}", fake.ApiAsync);
            app.MapPost("/hooks/{*path}", fake.HookAsync);
        });
        fake.BaseUrl = baseUrl;
        return fake;
    }

    /// <summary>When set, Slack misbehaves at random (seeded) and enforces its per-channel posting limit.</summary>
    public SlackFaults? Faults { get; set; }

    private async Task<IResult> ApiAsync(HttpContext context, string method)
    {
        var body = await ReadAsync(context);
        Calls.Enqueue(new SlackCall("/api/" + method, context.Request.Headers.Authorization, context.Request.ContentType, body, DateTimeOffset.UtcNow));
        if (Latency > TimeSpan.Zero)
            await Task.Delay(Latency);
        if (context.Request.Headers.Authorization != $"Bearer {Token}")
            return Results.Json(new { ok = false, error = "invalid_auth" });
        if (Faults is { } faults && await faults.MisbehaveAsync(context, method, body) is { } fault)
            return fault;
        if (_script.TryDequeue(out var answer))
        {
            if (answer.Delay > TimeSpan.Zero)
                await Task.Delay(answer.Delay);
            if (answer.Drop)
            {
                context.Abort();
                return Results.Empty;
            }
            if (answer.RetryAfter is { } seconds)
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (answer.Json is not null || answer.Status != 200)
                return Results.Content(answer.Json ?? "{}", "application/json", statusCode: answer.Status);
        }
        return method switch
        {
            "conversations.open" => Results.Json(new { ok = true, channel = new { id = "D" + body["users"] } }),
            _ => Accept(method, body),
        };
    }

    /// <summary>Posts Slack answered ok, by ts: what "delivered, as far as the platform reports" means.</summary>
    public ConcurrentDictionary<string, SlackCall> Accepted { get; } = new();

    private IResult Accept(string method, JsonObject body)
    {
        var ts = $"1700000000.{Interlocked.Increment(ref _ts):D6}";
        if (method == "chat.postMessage")
            Accepted[$"{body["channel"]}/{ts}"] = new SlackCall("/api/" + method, null, null, body, DateTimeOffset.UtcNow);
        return Results.Json(new { ok = true, channel = body["channel"]?.ToString(), ts });
    }

    private async Task<IResult> HookAsync(HttpContext context, string path)
    {
        Calls.Enqueue(new SlackCall("/hooks/" + path, null, context.Request.ContentType, await ReadAsync(context), DateTimeOffset.UtcNow));
        return Results.Ok();
    }

    private static async Task<JsonObject> ReadAsync(HttpContext context) =>
        JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject ?? [];

    /// <summary>Waits (bounded) until a call to <paramref name="path"/> has arrived.</summary>
    public async Task<SlackCall> WaitForAsync(string pathPrefix, int count = 1)
    {
        for (var i = 0; i < 300; i++)
        {
            var calls = Calls.Where(c => c.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();
            if (calls.Count >= count)
                return calls[count - 1];
            await Task.Delay(50);
        }
        throw new TimeoutException($"no call to {pathPrefix} arrived");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>
/// A misbehaving Slack, seeded: a share of calls get a 5xx, a 429 burst (Retry-After, during which the channel answers
/// 429 again), a timeout (no answer until the client gave up; nothing posted), a dropped connection (nothing posted) or
/// a slow answer. It also enforces one post per channel per <see cref="ChannelInterval"/> like Slack, and counts every
/// post that arrived while its channel was told to wait: the client must keep that at zero.
/// </summary>
public sealed class SlackFaults(int seed)
{
    private readonly Random _random = new(seed);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastPost = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _waitUntil = new();

    public double ServerErrors { get; init; } = 0.06;
    public double RateLimitBursts { get; init; } = 0.03;
    public double Timeouts { get; init; } = 0.02;
    public double Drops { get; init; } = 0.04;
    public double Slow { get; init; } = 0.05;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1.5);
    public TimeSpan ChannelInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Channels that no longer exist: ok:false channel_not_found, a failure retrying cannot fix.</summary>
    public HashSet<string> Archived { get; init; } = [];

    public ConcurrentDictionary<string, int> Injected { get; } = new();
    /// <summary>Posts that arrived while their channel was still inside a Retry-After it had been given.</summary>
    public ConcurrentQueue<string> IgnoredRetryAfter { get; } = new();

    private double Roll() { lock (_random) return _random.NextDouble(); }

    internal async Task<IResult?> MisbehaveAsync(HttpContext context, string method, JsonObject body)
    {
        if (method != "chat.postMessage")
            return null;
        var channel = body["channel"]?.ToString() ?? "";
        var now = DateTimeOffset.UtcNow;
        if (_waitUntil.TryGetValue(channel, out var until) && now < until - TimeSpan.FromMilliseconds(20))
        {
            IgnoredRetryAfter.Enqueue($"{channel} at {now:HH:mm:ss.fff}, told to wait until {until:HH:mm:ss.fff}");
            return TooMany(channel, until);
        }
        if (Archived.Contains(channel))
            return Count("channel_not_found", Results.Json(new { ok = false, error = "channel_not_found" }));
        var roll = Roll();
        if ((roll -= ServerErrors) < 0)
            return Count("5xx", Results.StatusCode(new[] { 500, 502, 503 }[(int)(Roll() * 3)]));
        if ((roll -= RateLimitBursts) < 0)
        {
            Count("429 burst", null);
            return TooMany(channel, now + TimeSpan.FromSeconds(1 + (int)(Roll() * 2)));
        }
        if ((roll -= Timeouts) < 0)
        {
            await Task.Delay(Timeout);
            context.Abort();
            return Count("timeout", Results.Empty);
        }
        if ((roll -= Drops) < 0)
        {
            context.Abort();
            return Count("dropped connection", Results.Empty);
        }
        if ((roll -= Slow) < 0)
        {
            Count("slow", null);
            await Task.Delay(TimeSpan.FromMilliseconds(200 + Roll() * 400));
        }
        // Slack's own limit: about one message per second per channel.
        now = DateTimeOffset.UtcNow;
        if (_lastPost.TryGetValue(channel, out var last) && now - last < ChannelInterval - TimeSpan.FromMilliseconds(20))
            return Count("429 channel limit", TooMany(channel, last + ChannelInterval));
        _lastPost[channel] = now;
        return null;
    }

    private IResult TooMany(string channel, DateTimeOffset until)
    {
        _waitUntil[channel] = until;
        var seconds = Math.Max(1, (int)Math.Ceiling((until - DateTimeOffset.UtcNow).TotalSeconds));
        return new RetryAfterResult(seconds);
    }

    private IResult Count(string kind, IResult? result)
    {
        Injected.AddOrUpdate(kind, 1, (_, n) => n + 1);
        return result!;
    }

    private sealed class RetryAfterResult(int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }
    }
}
