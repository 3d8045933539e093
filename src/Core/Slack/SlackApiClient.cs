using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChaseBot.Core.Delivery;
using Microsoft.Extensions.Options;
using Polly;

namespace ChaseBot.Core.Slack;

/// <summary>Slack said no (ok:false) for a reason retrying will not fix: channel_not_found, invalid_auth, msg_too_long…</summary>
public sealed class SlackApiException(string method, string error) : Exception($"Slack {method} failed: {error}")
{
    public string Error { get; } = error;
}

/// <summary>
/// The few Web API methods ChaseBot uses, over HttpClient. Errors come back as HTTP 200 with ok:false and are
/// mapped to typed failures; 429 waits exactly Retry-After; 5xx, timeouts and dropped connections are retried
/// briefly with backoff and jitter, then left to the outbox's slower retries.
/// </summary>
public sealed class SlackApiClient
{
    private static readonly HashSet<string> TransientErrors = ["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"];
    private readonly HttpClient _http;
    private readonly SlackOptions _options;
    private readonly ResiliencePipeline _retry;

    public SlackApiClient(HttpClient http, IOptions<SlackOptions> options, TimeProvider clock)
    {
        _http = http;
        _options = options.Value;
        _http.BaseAddress ??= new Uri(_options.ApiBaseUrl.EndsWith('/') ? _options.ApiBaseUrl : _options.ApiBaseUrl + "/");
        _retry = ChatRetry.Pipeline(clock, attempts: 2, delay: TimeSpan.FromMilliseconds(200));
    }

    public async Task<string> PostMessageAsync(string channel, JsonObject message, CancellationToken cancellationToken) =>
        (await PostAsync(channel, message, cancellationToken)).Ts;

    /// <summary>Posts; returns the channel's id (chat.update needs it, where a post may name the channel) and the message's ts.</summary>
    public async Task<(string Channel, string Ts)> PostAsync(string channel, JsonObject message, CancellationToken cancellationToken)
    {
        message["channel"] = channel;
        var result = await CallAsync("chat.postMessage", message, cancellationToken);
        return (result["channel"]?.GetValue<string>() ?? channel, result["ts"]?.GetValue<string>() ?? "");
    }

    /// <summary>
    /// The channel's latest messages since <paramref name="oldest"/>, newest first, with their metadata
    /// (conversations.history; channels:history, groups:history or im:history by the kind of conversation).
    /// </summary>
    public async Task<JsonArray> HistoryAsync(string channel, DateTimeOffset oldest, int limit, CancellationToken cancellationToken)
    {
        var result = await CallAsync("conversations.history", new JsonObject
        {
            ["channel"] = channel, ["oldest"] = oldest.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["limit"] = limit, ["include_all_metadata"] = true,
        }, cancellationToken);
        return result["messages"] as JsonArray ?? [];
    }

    public Task UpdateAsync(string channel, string ts, JsonObject message, CancellationToken cancellationToken)
    {
        message["channel"] = channel;
        message["ts"] = ts;
        return CallAsync("chat.update", message, cancellationToken);
    }

    public Task PostEphemeralAsync(string channel, string user, JsonObject message, CancellationToken cancellationToken)
    {
        message["channel"] = channel;
        message["user"] = user;
        return CallAsync("chat.postEphemeral", message, cancellationToken);
    }

    /// <summary>The DM channel with a user (needs im:write).</summary>
    public async Task<string> OpenDirectMessageAsync(string user, CancellationToken cancellationToken)
    {
        var result = await CallAsync("conversations.open", new JsonObject { ["users"] = user }, cancellationToken);
        return result["channel"]?["id"]?.GetValue<string>() ?? throw new SlackApiException("conversations.open", "no channel in the answer");
    }

    /// <summary>Shows a person the app's Home tab (views.publish; needs no extra scope beyond the bot token).</summary>
    public Task PublishHomeAsync(string user, JsonObject view, CancellationToken cancellationToken) =>
        CallAsync("views.publish", new JsonObject { ["user_id"] = user, ["view"] = view }, cancellationToken);

    /// <summary>
    /// Socket Mode: a WebSocket URL to connect to (apps.connections.open, with the app-level token). Each URL is a
    /// single-use ticket, so every connection and reconnection asks for its own.
    /// </summary>
    public async Task<Uri> OpenSocketAsync(CancellationToken cancellationToken)
    {
        var result = await _retry.ExecuteAsync(async token => await SendOnceAsync("apps.connections.open", [], token, _options.AppToken),
            cancellationToken);
        return Uri.TryCreate(result["url"]?.GetValue<string>(), UriKind.Absolute, out var url) && url.Scheme is "wss" or "ws"
            ? url
            : throw new SlackApiException("apps.connections.open", "no WebSocket URL in the answer");
    }

    /// <summary>Slack's limit on an uploaded image's alt text (alt_txt_too_large beyond it).</summary>
    public const int MaxFileAltText = 1000;

    /// <summary>
    /// The first two steps of Slack's upload (needs files:write): files.getUploadURLExternal for an address and a file id,
    /// then the bytes posted there. The file stays private, visible nowhere, until <see cref="CompleteUploadAsync"/>.
    /// </summary>
    public async Task<string> UploadAsync(string fileName, byte[] bytes, string altText, CancellationToken cancellationToken)
    {
        var ticket = await CallFormAsync("files.getUploadURLExternal", new Dictionary<string, string>
        {
            ["filename"] = fileName, ["length"] = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["alt_txt"] = altText.Length <= MaxFileAltText ? altText : altText[..(MaxFileAltText - 1)] + "…",
        }, cancellationToken);
        var fileId = ticket["file_id"]?.GetValue<string>() ?? throw new SlackApiException("files.getUploadURLExternal", "no file_id in the answer");
        if (!Uri.TryCreate(ticket["upload_url"]?.GetValue<string>(), UriKind.Absolute, out var uploadUrl))
            throw new SlackApiException("files.getUploadURLExternal", "no upload_url in the answer");
        await _retry.ExecuteAsync(async token =>
        {
            // The address is signed for this one upload: no token goes with the bytes.
            using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", fileName } };
            using var response = await _http.PostAsync(uploadUrl, form, token);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                throw new TransientDeliveryException($"Slack upload: HTTP {(int)response.StatusCode}");
            if (!response.IsSuccessStatusCode)
                throw new SlackApiException("upload", $"HTTP {(int)response.StatusCode}");
        }, cancellationToken);
        return fileId;
    }

    /// <summary>
    /// The last step: files.completeUploadExternal shares the uploaded file into the channel as one message that
    /// carries <paramref name="blocks"/> (the words that go with the picture).
    /// </summary>
    public Task CompleteUploadAsync(string fileId, string title, string channel, JsonArray blocks, CancellationToken cancellationToken) =>
        CallFormAsync("files.completeUploadExternal", new Dictionary<string, string>
        {
            ["files"] = new JsonArray(new JsonObject { ["id"] = fileId, ["title"] = title }).ToJsonString(),
            ["channel_id"] = channel,
            ["blocks"] = blocks.ToJsonString(),
        }, cancellationToken);

    public Task<JsonObject> CallAsync(string method, JsonObject body, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(async token => await SendOnceAsync(method,
            () => new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), token), cancellationToken).AsTask();

    /// <summary>A method called with form fields, as Slack's file methods document their arguments.</summary>
    private Task<JsonObject> CallFormAsync(string method, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(async token => await SendOnceAsync(method, () => new FormUrlEncodedContent(fields), token), cancellationToken).AsTask();

    private Task<JsonObject> SendOnceAsync(string method, JsonObject body, CancellationToken cancellationToken, string? bearer = null) =>
        SendOnceAsync(method, () => new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken, bearer);

    /// <param name="bearer">The token the method takes: the bot token, or for apps.* the app-level token.</param>
    private async Task<JsonObject> SendOnceAsync(string method, Func<HttpContent> content, CancellationToken cancellationToken, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method) { Content = content() };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer ?? _options.BotToken);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Slack {method} did not answer in time");
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                throw new TransientDeliveryException($"Slack {method}: rate limited",
                    response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(30));
            if ((int)response.StatusCode >= 500)
                throw new TransientDeliveryException($"Slack {method}: HTTP {(int)response.StatusCode}");
            if (!response.IsSuccessStatusCode)
                throw new SlackApiException(method, $"HTTP {(int)response.StatusCode}");
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject
                       ?? throw new TransientDeliveryException($"Slack {method}: an answer that is not JSON");
            if (json["ok"]?.GetValue<bool>() == true)
                return json;
            var error = json["error"]?.GetValue<string>() ?? "unknown_error";
            if (TransientErrors.Contains(error))
                throw new TransientDeliveryException($"Slack {method}: {error}");
            throw new SlackApiException(method, error);
        }
    }
}
