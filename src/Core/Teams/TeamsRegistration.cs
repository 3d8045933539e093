using ChaseBot.Core.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ChaseBot.Core.Teams;

public static class TeamsRegistration
{
    /// <summary>
    /// Teams' options (checked at start), inbound token validation, the Bot Connector client and delivery to "teams:"
    /// targets when Teams:AppId is set. The Bot adds the inbound side (MapTeams).
    /// </summary>
    public static IServiceCollection AddTeams(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChaseOptions<TeamsOptions, TeamsOptionsValidator>(configuration, TeamsOptions.Section);
        services.AddSingleton<IConfigurationManager<OpenIdConnectConfiguration>>(sp => BotFrameworkAuthenticator.SigningKeys(
            sp.GetRequiredService<IOptions<TeamsOptions>>().Value.OpenIdMetadataUrl, LongLivedHttp.Client(TimeSpan.FromSeconds(10))));
        services.AddSingleton<BotFrameworkAuthenticator>();
        services.AddSingleton(sp => new BotFrameworkTokens(LongLivedHttp.Client(TimeSpan.FromSeconds(10)),
            sp.GetRequiredService<IOptions<TeamsOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BotConnectorClient(LongLivedHttp.Client(TimeSpan.FromSeconds(15)),
            sp.GetRequiredService<BotFrameworkTokens>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<TeamsConversations>();
        services.AddSingleton(sp => new TeamsPlatform(sp.GetRequiredService<BotConnectorClient>(), sp.GetRequiredService<TeamsConversations>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TeamsPlatform>>(), sp.GetRequiredService<IOptions<TeamsOptions>>().Value.PostInterval,
            sp.GetRequiredService<Digests.ChartLinks>()));
        return services.AddChatPlatform(new ChatPlatformEntry(ChatTarget.TeamsPrefix, "a Teams conversation", "Teams:AppId",
            sp => sp.GetRequiredService<IOptions<TeamsOptions>>().Value.Enabled ? sp.GetRequiredService<TeamsPlatform>() : null));
    }
}
