using System.Text;
using System.Text.Json.Nodes;
using ChaseBot.Core.Slack;
using Microsoft.Extensions.Options;

namespace ChaseBot.Bot.Slack;

/// <summary>
/// Posts to a request's response_url: a reply that took longer than Slack's 3 seconds, or an update of the message
/// whose button was clicked. Only URLs under Slack:ResponseUrlPrefix are ever called.
/// </summary>
public sealed class SlackFollowUps(HttpClient http, IOptions<SlackOptions> options, ILogger<SlackFollowUps> log)
{
    public async Task PostAsync(string? responseUrl, JsonObject body, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(responseUrl) || !responseUrl.StartsWith(options.Value.ResponseUrlPrefix, StringComparison.Ordinal))
        {
            log.LogWarning("Not posting to a response_url outside {Prefix}", options.Value.ResponseUrlPrefix);
            return;
        }
        try
        {
            using var response = await http.PostAsync(responseUrl, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);
            if (!response.IsSuccessStatusCode)
                log.LogWarning("Slack answered {Status} to a response_url post", (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            log.LogWarning("Could not post to the response_url: {Error}", e.Message);
        }
    }
}
