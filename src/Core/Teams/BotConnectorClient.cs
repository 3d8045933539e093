using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChaseBot.Core.Delivery;
using Polly;

namespace ChaseBot.Core.Teams;

/// <summary>The bot was removed or the conversation is gone (403/404): retire the reference; retrying cannot help.</summary>
public sealed class ConversationGoneException(string message) : Exception(message);

/// <summary>
/// The Bot Connector REST API, relative to a conversation's serviceUrl: send, reply, update, and create a personal
/// conversation for proactive messages. 429, 412 and 5xx are retried with backoff and jitter (429 after its
/// Retry-After); 403 and 404 mean the conversation is gone.
/// </summary>
public sealed class BotConnectorClient
{
    private readonly HttpClient _http;
    private readonly BotFrameworkTokens _tokens;
    private readonly ResiliencePipeline _retry;

    public BotConnectorClient(HttpClient http, BotFrameworkTokens tokens, TimeProvider clock)
    {
        _http = http;
        _tokens = tokens;
        _retry = ChatRetry.Pipeline(clock, attempts: 3, delay: TimeSpan.FromMilliseconds(250));
    }

    public async Task<string> SendAsync(string serviceUrl, string conversationId, JsonObject activity, CancellationToken cancellationToken) =>
        Id(await CallAsync(HttpMethod.Post, serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities", activity, cancellationToken));

    public async Task<string> ReplyAsync(string serviceUrl, string conversationId, string replyToId, JsonObject activity, CancellationToken cancellationToken) =>
        Id(await CallAsync(HttpMethod.Post, serviceUrl,
            $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(replyToId)}", activity, cancellationToken));

    public Task UpdateAsync(string serviceUrl, string conversationId, string activityId, JsonObject activity, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Put, serviceUrl,
            $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(activityId)}", activity, cancellationToken);

    /// <summary>A personal (1:1) conversation with a user, for proactive messages such as morale check-ins.</summary>
    public async Task<string> CreatePersonalConversationAsync(string serviceUrl, string botId, string userId, string? tenantId,
        CancellationToken cancellationToken) =>
        Id(await CallAsync(HttpMethod.Post, serviceUrl, "v3/conversations", new JsonObject
        {
            ["bot"] = new JsonObject { ["id"] = botId },
            ["members"] = new JsonArray(new JsonObject { ["id"] = userId }),
            ["isGroup"] = false,
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = tenantId } },
        }, cancellationToken));

    private Task<JsonObject> CallAsync(HttpMethod method, string serviceUrl, string path, JsonObject body, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(async token => await SendOnceAsync(method, serviceUrl, path, body, token), cancellationToken).AsTask();

    private async Task<JsonObject> SendOnceAsync(HttpMethod method, string serviceUrl, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(new Uri(serviceUrl.EndsWith('/') ? serviceUrl : serviceUrl + "/"), path))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _tokens.GetAsync(cancellationToken));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("the Bot Connector did not answer in time");
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            // Microsoft names 412, 429, 502 and 504 as transient; any other 5xx is the service's trouble too, not the message's.
            if (response.StatusCode == HttpStatusCode.TooManyRequests || status is 412 || status >= 500)
                throw new TransientDeliveryException($"Bot Connector answered {status}", response.Headers.RetryAfter?.Delta);
            if (status is 403 or 404)
                throw new ConversationGoneException($"Bot Connector answered {status}: the bot was removed or the conversation is gone");
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"Bot Connector answered {status}");
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
        }
    }

    private static string Id(JsonObject result) => result["id"]?.GetValue<string>() ?? "";
}
