using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Teams;

/// <summary>Section "Teams". The app password comes from the environment (Teams__AppPassword), never the repository.</summary>
public sealed class TeamsOptions
{
    public const string Section = "Teams";

    /// <summary>The bot's Microsoft App ID: the audience every inbound token must carry.</summary>
    public string? AppId { get; set; }
    public string? AppPassword { get; set; }
    /// <summary>For single-tenant bots; empty for multi-tenant (botframework.com).</summary>
    public string? TenantId { get; set; }

    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public string Issuer { get; set; } = "https://api.botframework.com";
    public string? TokenEndpoint { get; set; }

    /// <summary>About seven messages a second per conversation, under the Bot Connector's per-conversation limit.</summary>
    public static readonly TimeSpan DefaultPostInterval = TimeSpan.FromMilliseconds(150);

    /// <summary>The least time between two posts to one conversation.</summary>
    public TimeSpan PostInterval { get; set; } = DefaultPostInterval;

    public bool Enabled => !string.IsNullOrWhiteSpace(AppId);
}

public sealed class TeamsOptionsValidator : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions o)
    {
        var failures = new List<string>();
        if (o.Enabled && string.IsNullOrWhiteSpace(o.AppPassword))
            failures.Add("Teams:AppId is set but Teams:AppPassword is not (set Teams__AppPassword in the environment).");
        if (!o.Enabled && !string.IsNullOrWhiteSpace(o.AppPassword))
            failures.Add("Teams:AppPassword is set but Teams:AppId is not.");
        if (o.PostInterval < TimeSpan.Zero || o.PostInterval > TimeSpan.FromMinutes(1))
            failures.Add("Teams:PostInterval must be between 00:00:00 and 00:01:00.");
        if (!Uri.TryCreate(o.OpenIdMetadataUrl, UriKind.Absolute, out _))
            failures.Add("Teams:OpenIdMetadataUrl must be an absolute URL.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
