namespace ChaseBot.Bot.Slack;

public static class SlackEndpoints
{
    public static IServiceCollection AddSlackEndpoints(this IServiceCollection services)
    {
        services.AddSingleton<SlackReplayGuard>();
        services.AddHttpClient<SlackFollowUps>(http => http.Timeout = TimeSpan.FromSeconds(10));
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
        return app;
    }
}
