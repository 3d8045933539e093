using ChaseBot.Core.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Slack;

public static class SlackRegistration
{
    /// <summary>
    /// Slack's options (checked at start), its Web API client, and delivery through Slack for bare channel and user ids
    /// when a bot token is configured (the console takes them otherwise). The Bot adds the inbound side (MapSlack).
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChaseOptions<SlackOptions, SlackOptionsValidator>(configuration, SlackOptions.Section);
        services.AddSingleton(sp => new SlackApiClient(LongLivedHttp.Client(TimeSpan.FromSeconds(10)),
            sp.GetRequiredService<IOptions<SlackOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new SlackPlatform(sp.GetRequiredService<SlackApiClient>(),
            new ChannelPacer(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SlackOptions>>().Value.PostInterval),
            sp.GetRequiredService<ILogger<SlackPlatform>>(), sp.GetRequiredService<IOptions<SlackOptions>>().Value.ParallelChannels,
            sp.GetRequiredService<Digests.DigestCharts>()));
        return services.AddChatPlatform(new ChatPlatformEntry(null, "a Slack channel or user", "Slack:BotToken",
            sp => sp.GetRequiredService<IOptions<SlackOptions>>().Value.Enabled ? sp.GetRequiredService<SlackPlatform>() : null));
    }
}
