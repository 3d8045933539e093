using ChaseBot.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Core.Health;

/// <summary>
/// The probes every ChaseBot process answers (the Helm chart's liveness and readiness). /healthz: the process serves
/// HTTP. /readyz: the database is reachable and migrated and no migration lock is being waited for, plus what the
/// host adds (the Bot: its platforms' settings; the Worker: its scheduler); 503 with the reasons otherwise. Neither
/// needs authentication, and neither says anything secret.
/// </summary>
public static class ChaseHealth
{
    /// <param name="hostProblems">What else keeps this process from being ready, in words; none when it is.</param>
    public static IEndpointRouteBuilder MapChaseHealth(this IEndpointRouteBuilder app,
        Func<IServiceProvider, CancellationToken, Task<IEnumerable<string>>>? hostProblems = null)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", async (HttpContext context, CancellationToken cancellationToken) =>
        {
            var services = context.RequestServices;
            var problems = new List<string>();
            if (services.GetRequiredService<DatabaseMigration>().Waiting is { } waiting)
                problems.Add(waiting);
            if (hostProblems is not null)
                problems.AddRange(await hostProblems(services, cancellationToken));
            if (await DatabaseReadiness.ProblemAsync(services.GetRequiredService<IDbContextFactory<ChaseDbContext>>(), cancellationToken) is { } database)
                problems.Add(database);
            return problems.Count == 0
                ? Results.Text("ready")
                : Results.Text("not ready: " + string.Join("; ", problems), statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }
}
