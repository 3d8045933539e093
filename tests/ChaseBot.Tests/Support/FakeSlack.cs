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
/// Kestrel, not WireMock, for the same reason as <c>FakeBotConnector</c>: a dropped connection must be a real one.
/// </summary>
public sealed partial class FakeSlack : IAsyncDisposable
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
            app.UseWebSockets();
            app.Map("/socket/{ticket}", fake.SocketAsync);
            app.MapPost("/api/{method}", fake.ApiAsync);
            app.MapPost("/hooks/{*path}", fake.HookAsync);
            app.MapPost("/upload/{file}", fake.UploadAsync);
        });
        fake.BaseUrl = baseUrl;
        return fake;
    }

    /// <summary>When set, Slack misbehaves at random (seeded) and enforces its per-channel posting limit.</summary>
    public PlatformFaults? Faults { get; set; }

    private async Task<IResult> ApiAsync(HttpContext context, string method)
    {
        var body = await ReadAsync(context);
        Calls.Enqueue(new SlackCall("/api/" + method, context.Request.Headers.Authorization, context.Request.ContentType, body, DateTimeOffset.UtcNow));
        if (Latency > TimeSpan.Zero)
            await Task.Delay(Latency);
        if (method == "apps.connections.open")
            return OpenConnection(context);
        if (context.Request.Headers.Authorization != $"Bearer {Token}")
            return Results.Json(new { ok = false, error = "invalid_auth" });
        if (method == "chat.postMessage" && Faults is { } faults && await faults.MisbehaveAsync(body["channel"]?.ToString() ?? "") is { } fault)
        {
            if (fault.Drop)
            {
                context.Abort();
                return Results.Empty;
            }
            if (fault.Gone)
                return Results.Json(new { ok = false, error = "channel_not_found" });
            if (fault.RetryAfter is { } wait)
                context.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.StatusCode(fault.Status);
        }
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
            "files.getUploadURLExternal" => UploadTicket(body),
            "conversations.history" => History(body),
            "files.completeUploadExternal" => Share(body),
            _ => Accept(method, body),
        };
    }

    /// <summary>A file shared into a channel with blocks: a message in the channel as much as a post is, so it is accepted as one.</summary>
    private IResult Share(JsonObject body)
    {
        var files = JsonNode.Parse(body["files"]!.GetValue<string>())!.AsArray();
        var file = files[0]!["id"]!.GetValue<string>();
        if (!Uploads.ContainsKey(file))
            return Results.Json(new { ok = false, error = "file_not_found" });
        if (body["channel_id"]?.GetValue<string>() is { } channel)
            Accepted[$"{channel}/{file}"] = AsPost(new SlackCall("/api/files.completeUploadExternal", null, null, body, DateTimeOffset.UtcNow));
        return Results.Json(new { ok = true, files });
    }

    /// <summary>
    /// Every message that became visible in a channel, in order: posts, and files shared with their words. A share is
    /// given a post's fields (channel, text, blocks), so a test counts and reads both alike.
    /// </summary>
    public IEnumerable<SlackCall> Posts => Calls.Where(c => c.Path is "/api/chat.postMessage" or "/api/files.completeUploadExternal").Select(AsPost);

    public static SlackCall AsPost(SlackCall call)
    {
        if (call.Path != "/api/files.completeUploadExternal")
            return call;
        var blocks = call.Body["blocks"]?.GetValue<string>() is { } json ? JsonNode.Parse(json) : null;
        var words = blocks?.AsArray().Select(b => b?["text"]?["text"]?.GetValue<string>()).OfType<string>() ?? [];
        return call with
        {
            Body = new JsonObject
            {
                ["channel"] = call.Body["channel_id"]?.GetValue<string>(), ["text"] = string.Join("\n", words), ["blocks"] = blocks,
                ["files"] = call.Body["files"]?.GetValue<string>(),
            },
        };
    }

    /// <summary>The bytes posted to each upload address, by file id.</summary>
    public ConcurrentDictionary<string, byte[]> Uploads { get; } = new();
    private readonly ConcurrentDictionary<string, string> _fileNames = new();
    private int _files;

    /// <summary>files.getUploadURLExternal: refuses what Slack refuses (no length, alt text over 1000 characters).</summary>
    private IResult UploadTicket(JsonObject body)
    {
        if (!int.TryParse(body["length"]?.GetValue<string>(), out var length) || length <= 0 || string.IsNullOrEmpty(body["filename"]?.GetValue<string>()))
            return Results.Json(new { ok = false, error = "missing_argument" });
        if (body["alt_txt"]?.GetValue<string>() is { Length: > 1000 })
            return Results.Json(new { ok = false, error = "alt_txt_too_large" });
        var file = $"F{Interlocked.Increment(ref _files):D8}";
        _fileNames[file] = body["filename"]!.GetValue<string>();
        return Results.Json(new { ok = true, upload_url = $"{BaseUrl}/upload/{file}", file_id = file });
    }

    private async Task<IResult> UploadAsync(HttpContext context, string file)
    {
        var form = await context.Request.ReadFormAsync();
        var posted = form.Files.GetFile("file");
        Calls.Enqueue(new SlackCall("/upload/" + file, context.Request.Headers.Authorization, context.Request.ContentType,
            new JsonObject { ["filename"] = posted?.FileName, ["length"] = posted?.Length }, DateTimeOffset.UtcNow));
        if (posted is null)
            return Results.BadRequest();
        using var bytes = new MemoryStream();
        await posted.CopyToAsync(bytes);
        Uploads[file] = bytes.ToArray();
        return Results.Ok();
    }

    /// <summary>
    /// conversations.history: the channel's posts received after <c>oldest</c> (unix seconds), newest first, at most
    /// <c>limit</c>, each with its ts and the metadata it was posted with.
    /// </summary>
    private IResult History(JsonObject body)
    {
        var channel = body["channel"]?.ToString();
        var oldest = double.TryParse(body["oldest"]?.ToString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var o) ? o : 0;
        var limit = body["limit"]?.GetValue<int>() ?? 100;
        var messages = Accepted.Where(p => p.Key.StartsWith(channel + "/", StringComparison.Ordinal) && p.Value.At.ToUnixTimeMilliseconds() / 1000.0 > oldest)
            .OrderByDescending(p => p.Value.At).Take(limit)
            .Select(p => new JsonObject
            {
                ["type"] = "message", ["ts"] = p.Key[(channel!.Length + 1)..], ["text"] = p.Value.Body["text"]?.DeepClone(),
                ["metadata"] = p.Value.Body["metadata"]?.DeepClone(),
                // A file share lists its files with their names, as Slack's file objects do.
                ["files"] = p.Value.Body["files"]?.GetValue<string>() is { } files
                    ? new JsonArray([.. JsonNode.Parse(files)!.AsArray().Select(f => (JsonNode)new JsonObject
                        { ["id"] = f!["id"]!.DeepClone(), ["name"] = _fileNames.GetValueOrDefault(f["id"]!.GetValue<string>()) })])
                    : null,
            })
            .ToArray();
        return Results.Json(new JsonObject { ["ok"] = true, ["messages"] = new JsonArray(messages), ["has_more"] = false });
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

    /// <summary>A JSON body, or form fields (as Slack's file methods take them) as a JSON object of strings.</summary>
    private static async Task<JsonObject> ReadAsync(HttpContext context)
    {
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync();
            var fields = new JsonObject();
            foreach (var (key, value) in form)
                fields[key] = value.ToString();
            return fields;
        }
        return JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject ?? [];
    }

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
