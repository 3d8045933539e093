using ChaseBot.Core;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Morale;
using ChaseBot.Core.Storage;
using ChaseBot.Core.Telemetry;
using ChaseBot.Worker.CommandLine;
using ChaseBot.Worker.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Worker;

internal static class Program
{
    /// <summary>
    /// With a verb (import, status, run-once, …) the Worker does that one thing and exits (CommandLine/); with none it
    /// runs as the service below.
    /// </summary>
    public static Task<int> Main(string[] args) => WorkerCommandLine.RunAsync(args, Console.Out, Console.Error);

    /// <summary>
    /// The service: Quartz runs the import, chase, check-in, digest, outbox and sync jobs on their schedules
    /// (Scheduling/), once the ledger is migrated; /healthz and /readyz answer on Worker:HealthUrls.
    /// </summary>
    public static async Task<ExitCode> RunServiceAsync(IConfiguration configuration, TextWriter stderr, CancellationToken cancellationToken)
    {
        // With SQLite, one scheduler per database file: a second would double every job (PostgreSQL clusters instead).
        using var guard = SingleScheduler.TryAcquire(configuration, out var refusal);
        if (refusal is not null)
        {
            await stderr.WriteLineAsync(refusal);
            return ExitCode.Refused;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(WorkerOptions.From(configuration).HealthUrls.Split(';'));
        builder.AddChaseHostDefaults("chasebot-worker"); // the ledger is migrated before the scheduler starts
        builder.Services.AddChaseSchedule(builder.Configuration);
        await using var app = builder.Build();
        app.MapWorkerHealth();
        app.MapChaseMetrics();

        var settings = app.Services.GetRequiredService<ChaseSettings>();
        if (!settings.OwnerKnown(null))
            app.Logger.LogWarning(MoraleCheckIns.NoOwnerWarning);
        if (settings.PaymentWarning(app.Services.GetRequiredService<IOptions<Core.Email.EmailOptions>>().Value) is { } noPayment)
            app.Logger.LogWarning(noPayment);
        var migration = app.Services.GetRequiredService<DatabaseMigration>(); // read now: RunAsync disposes the services
        await app.RunAsync(cancellationToken);
        return migration.GaveUp ? ExitCode.Failed : ExitCode.Done;
    }
}
