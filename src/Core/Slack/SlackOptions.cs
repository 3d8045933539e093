using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Slack;

/// <summary>Section "Slack". Secrets come from the environment (Slack__BotToken, Slack__SigningSecret), never the repository.</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>xoxb-… bot token. When set, the Worker delivers through Slack instead of the console.</summary>
    public string? BotToken { get; set; }

    /// <summary>Verifies that requests to /slack/* come from Slack.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>Slack's Web API; tests and self-hosted proxies point it elsewhere.</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>Follow-up replies are only posted to response_urls under this prefix (no posting to arbitrary URLs).</summary>
    public string ResponseUrlPrefix { get; set; } = "https://hooks.slack.com/";

    /// <summary>
    /// The least time between a post's answer and the next post to the same channel (one in flight at a time, see
    /// <see cref="ChannelPacer"/>). Slack allows about one message per second per channel; a Slack-compatible server
    /// with other limits may set its own.
    /// </summary>
    public TimeSpan PostInterval { get; set; } = ChannelPacer.SlackInterval;

    /// <summary>How many channels the outbox posts to at once (each still paced by <see cref="PostInterval"/>).</summary>
    public int ParallelChannels { get; set; } = 8;

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);
}

public sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions o)
    {
        var failures = new List<string>();
        var hasToken = !string.IsNullOrWhiteSpace(o.BotToken);
        var hasSecret = !string.IsNullOrWhiteSpace(o.SigningSecret);
        if (hasToken != hasSecret)
            failures.Add(hasToken
                ? "Slack:BotToken is set but Slack:SigningSecret is not: ChaseBot could post but not verify Slack's requests. Set both (Slack__SigningSecret)."
                : "Slack:SigningSecret is set but Slack:BotToken is not: set both (Slack__BotToken), or neither to use the console.");
        if (hasToken && !o.BotToken!.StartsWith("xoxb-", StringComparison.Ordinal))
            failures.Add("Slack:BotToken must be a bot token (it starts with xoxb-).");
        if (o.PostInterval < TimeSpan.Zero || o.PostInterval > TimeSpan.FromMinutes(1))
            failures.Add("Slack:PostInterval must be between 00:00:00 and 00:01:00.");
        if (o.ParallelChannels is < 1 or > 1000)
            failures.Add("Slack:ParallelChannels must be between 1 and 1000.");
        if (!Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _))
            failures.Add("Slack:ApiBaseUrl must be an absolute URL.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
