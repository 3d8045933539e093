using ChaseBot.Core.Logging;
using ChaseBot.Core.Storage;
using ChaseBot.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChaseBot.Core;

public static class ChaseHostDefaults
{
    /// <summary>
    /// What the Bot and the Worker both are: JSON logs (Logging:Format), the core services with every settings section
    /// checked at start (and Data Protection's key ring in the ledger, for the books' tokens), and the ledger migrated
    /// before anything reads it. Each host then adds its own part and maps <c>MapChaseHealth</c>.
    /// </summary>
    /// <param name="serviceName">How metrics and traces name this process ("chasebot-bot", "chasebot-worker").</param>
    public static IHostApplicationBuilder AddChaseHostDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Logging.AddChaseLogging(builder.Configuration);
        builder.Services.AddChaseCore(builder.Configuration);
        builder.Services.AddChaseMetrics(builder.Configuration, serviceName); // GET /metrics once the host maps it (MapChaseMetrics)
        builder.Services.AddSingleton<DatabaseMigration>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DatabaseMigration>()); // first hosted service: before the ledger is read
        return builder;
    }
}
