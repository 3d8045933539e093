namespace ChaseBot.Bot.Health;

public static class HealthEndpoints
{
    /// <summary>Liveness: the process serves HTTP. Readiness (database, platform configuration) comes with deployment.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok"));
        return app;
    }
}
