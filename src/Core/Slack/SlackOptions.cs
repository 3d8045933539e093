using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Slack;

/// <summary>
/// Section "Slack". Secrets come from the environment (Slack__BotToken, Slack__SigningSecret, Slack__AppToken), never
/// the repository. Requests reach the Bot one of two ways: over HTTP to /slack/* (signed with the signing secret), or
/// through Socket Mode, where the Bot opens the connections itself with the app-level token and needs no public address.
/// </summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>xoxb-… bot token. When set, the Worker delivers through Slack instead of the console.</summary>
    public string? BotToken { get; set; }

    /// <summary>Verifies that requests to /slack/* come from Slack.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>
    /// xapp-… app-level token with connections:write. When set, the Bot takes Slack's requests through Socket Mode
    /// (WebSocket connections it opens itself) instead of waiting for them on /slack/*.
    /// </summary>
    public string? AppToken { get; set; }

    /// <summary>
    /// Socket Mode connections each Bot holds at once. Slack sends each request to one of an app's connections (at most
    /// 10 in all), so with two a connection being refreshed never leaves the Bot unreachable.
    /// </summary>
    public int SocketConnections { get; set; } = 2;

    /// <summary>
    /// How often the Bot pings each Socket Mode connection, and how long it waits for the pong before it treats the
    /// connection as dead and opens another (a connection can die without closing, behind a proxy or a NAT that forgot it).
    /// </summary>
    public TimeSpan SocketPingInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Slack's Web API; tests and self-hosted proxies point it elsewhere.</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>Follow-up replies are only posted to response_urls under this prefix (no posting to arbitrary URLs).</summary>
    public string ResponseUrlPrefix { get; set; } = "https://hooks.slack.com/";

    /// <summary>
    /// The least time between a post's answer and the next post to the same channel (one in flight at a time, see
    /// <see cref="Delivery.ChannelPacer"/>). Slack allows about one message per second per channel; a Slack-compatible server
    /// with other limits may set its own.
    /// </summary>
    public TimeSpan PostInterval { get; set; } = Delivery.ChannelPacer.SlackInterval;

    /// <summary>How many channels the outbox posts to at once (each still paced by <see cref="PostInterval"/>).</summary>
    public int ParallelChannels { get; set; } = 8;

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);

    public bool SocketMode => !string.IsNullOrWhiteSpace(AppToken);
}

public sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions o)
    {
        var failures = new List<string>();
        var hasToken = !string.IsNullOrWhiteSpace(o.BotToken);
        var hasSecret = !string.IsNullOrWhiteSpace(o.SigningSecret);
        // Socket Mode needs no signing secret: the connection itself is authenticated by the app token.
        if (hasToken && !hasSecret && !o.SocketMode)
            failures.Add("Slack:BotToken is set but neither Slack:AppToken (Socket Mode) nor Slack:SigningSecret (requests over HTTP) is: " +
                         "ChaseBot could post but not take Slack's requests. Set Slack__AppToken, or Slack__SigningSecret.");
        if (!hasToken && (hasSecret || o.SocketMode))
            failures.Add($"Slack:{(o.SocketMode ? "AppToken" : "SigningSecret")} is set but Slack:BotToken is not: set Slack__BotToken too, or neither to use the console.");
        if (hasToken && !o.BotToken!.StartsWith("xoxb-", StringComparison.Ordinal))
            failures.Add("Slack:BotToken must be a bot token (it starts with xoxb-).");
        if (o.SocketMode && !o.AppToken!.StartsWith("xapp-", StringComparison.Ordinal))
            failures.Add("Slack:AppToken must be an app-level token (it starts with xapp-; Basic Information → App-Level Tokens, scope connections:write).");
        if (o.SocketPingInterval < TimeSpan.FromSeconds(1) || o.SocketPingInterval > TimeSpan.FromMinutes(5))
            failures.Add("Slack:SocketPingInterval must be between 00:00:01 and 00:05:00.");
        if (o.SocketConnections is < 1 or > 10)
            failures.Add("Slack:SocketConnections must be between 1 and 10 (Slack allows an app 10 connections).");
        if (o.PostInterval < TimeSpan.Zero || o.PostInterval > TimeSpan.FromMinutes(1))
            failures.Add("Slack:PostInterval must be between 00:00:00 and 00:01:00.");
        if (o.ParallelChannels is < 1 or > 1000)
            failures.Add("Slack:ParallelChannels must be between 1 and 1000.");
        if (!Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _))
            failures.Add("Slack:ApiBaseUrl must be an absolute URL.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
