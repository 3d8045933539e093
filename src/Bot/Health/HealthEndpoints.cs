using ChaseBot.Core.Slack;
using ChaseBot.Core.Storage;
using ChaseBot.Core.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChaseBot.Bot.Health;

public static class HealthEndpoints
{
    /// <summary>
    /// /healthz: the process serves HTTP (liveness). /readyz: the database is reachable and migrated, and the chat
    /// platforms' settings are valid (readiness); 503 with the reasons otherwise. Neither needs authentication, and
    /// neither says anything secret.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok"));
        app.MapGet("/readyz", async (IDbContextFactory<ChaseDbContext> dbFactory, DatabaseMigration migration, IOptions<SlackOptions> slack,
            IOptions<TeamsOptions> teams, CancellationToken cancellationToken) =>
        {
            var problems = new List<string>();
            if (migration.Waiting is { } waiting)
                problems.Add(waiting);
            if (await DatabaseReadiness.ProblemAsync(dbFactory, cancellationToken) is { } database)
                problems.Add(database);
            try
            {
                _ = slack.Value; // validated when read: a half-configured platform is not ready
                _ = teams.Value;
            }
            catch (OptionsValidationException e)
            {
                problems.AddRange(e.Failures);
            }
            return problems.Count == 0
                ? Results.Text("ready")
                : Results.Text("not ready: " + string.Join("; ", problems), statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }
}
