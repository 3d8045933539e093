using ChaseBot.Core.Delivery;
using ChaseBot.Core.Slack;
using Microsoft.Extensions.Options;

namespace ChaseBot.Bot.Slack;

public static class SlackEndpoints
{
    public static IServiceCollection AddSlackEndpoints(this IServiceCollection services)
    {
        services.AddSingleton<SlackReplayGuard>();
        // A singleton with its own long-lived client, like the platform clients: Socket Mode's handlers outlive any request.
        services.AddSingleton(sp => new SlackFollowUps(LongLivedHttp.Client(TimeSpan.FromSeconds(10)),
            sp.GetRequiredService<IOptions<SlackOptions>>(), sp.GetRequiredService<ILogger<SlackFollowUps>>()));
        services.AddSingleton<SlackReceipts>();
        services.AddSingleton<SlackHomeTab>();
        services.AddSingleton<SlackInbound>();
        // Socket Mode: the Bot opens Slack's connections itself when Slack:AppToken is set (it does nothing otherwise).
        services.AddHostedService<SocketMode.SocketModeClient>();
        return services;
    }

    /// <summary>Verification first, for every /slack path, before routing or form parsing.</summary>
    public static IApplicationBuilder UseSlackVerification(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/slack"),
            slack => slack.UseMiddleware<SlackRequestVerification>());

    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder app)
    {
        var slack = app.MapGroup("/slack");
        slack.MapPost("/commands", SlashCommandEndpoint.HandleAsync);
        slack.MapPost("/interactions", InteractionEndpoint.HandleAsync);
        slack.MapPost("/events", EventsEndpoint.HandleAsync);
        return app;
    }
}
