using ChaseBot.Core;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Logging;
using ChaseBot.Core.Morale;
using ChaseBot.Core.Storage;
using ChaseBot.Worker.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace ChaseBot.Worker.Scheduling;

/// <summary>The Worker as a long-running service: Quartz runs the jobs on their schedules.</summary>
internal static class WorkerService
{
    /// <summary>Where the Worker answers /healthz and /readyz (the chart's probes). Override with Worker:HealthUrls.</summary>
    public const string DefaultHealthUrls = "http://127.0.0.1:8081";

    public static async Task<int> RunAsync(IConfiguration configuration, ParsedArguments arguments, TextWriter stderr,
        CancellationToken cancellationToken)
    {
        if (arguments.Positionals.Count > 0)
            return WorkerCommandLine.UsageError(stderr, "the service takes no arguments");
        // With SQLite, one scheduler per database file: a second would double every job (PostgreSQL clusters instead).
        using var guard = SingleScheduler.TryAcquire(configuration, out var refusal);
        if (refusal is not null)
        {
            await stderr.WriteLineAsync(refusal);
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddChaseLogging(builder.Configuration);
        builder.WebHost.UseUrls((configuration["Worker:HealthUrls"] ?? DefaultHealthUrls).Split(';'));
        builder.Services.AddChaseCore(builder.Configuration);
        builder.Services.AddHostedService<DatabaseMigration>();
        builder.Services.AddChaseSchedule(builder.Configuration);
        await using var app = builder.Build();
        app.MapWorkerHealth();
        await app.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>/healthz: the process answers. /readyz: the scheduler is running and the database is reachable and migrated.</summary>
    private static void MapWorkerHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", async (ISchedulerFactory schedulers, IDbContextFactory<ChaseDbContext> dbFactory, CancellationToken cancellationToken) =>
        {
            var problems = new List<string>();
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            if (await scheduler.GetStatus(cancellationToken) != SchedulerStatus.Running)
                problems.Add("the scheduler is not running");
            if (await DatabaseReadiness.ProblemAsync(dbFactory, cancellationToken) is { } database)
                problems.Add(database);
            return problems.Count == 0 ? Results.Text("ready") : Results.Text("not ready: " + string.Join("; ", problems), statusCode: 503);
        });
    }

    public static IServiceCollection AddChaseSchedule(this IServiceCollection services, IConfiguration configuration)
    {
        var zone = new ChaseOptions { TimeZone = configuration["Chase:TimeZone"] ?? "UTC" }.ResolveTimeZone();
        var errors = new List<string>();
        CronExpression Schedule(string key, string fallback)
        {
            var text = configuration[key] ?? fallback;
            if (CronExpression.TryParse(text, out var cron))
                return cron;
            errors.Add($"{key} '{text}' is not a Quartz cron expression (e.g. \"0 0/15 * * * ?\")");
            return CronExpression.Parse(fallback);
        }
        var schedules = new (JobKey Job, CronExpression Cron)[]
        {
            (ImportJob.Key, Schedule("Exports:Schedule", new ExportOptions().Schedule)),
            (ChaseJob.Key, Schedule("Chase:Schedule", new ChaseOptions().Schedule)),
            (MoraleJob.Key, Schedule("Morale:Schedule", new MoraleOptions().Schedule)),
            (DigestJob.Key, Schedule("Digest:Schedule", new DigestOptions().Schedule)),
            (OutboxJob.Key, Schedule("Delivery:Schedule", "0/30 * * * * ?")),
        };
        if (errors.Count > 0)
            throw new InvalidOperationException(string.Join("; ", errors));

        // Jobs are registered explicitly so a constructor that cannot be satisfied fails at start, not at 3 a.m.
        services.AddSingleton<RefusedExports>();
        services.AddTransient<ImportJob>();
        services.AddTransient<ChaseJob>();
        services.AddTransient<MoraleJob>();
        services.AddTransient<DigestJob>();
        services.AddTransient<OutboxJob>();
        services.AddQuartz(q =>
        {
            q.AddJobLogScope(); // every line of a job run carries the job and its fire instance (the run's correlation id)
            q.AddJob<ImportJob>(job => job.WithIdentity(ImportJob.Key));
            q.AddJob<ChaseJob>(job => job.WithIdentity(ChaseJob.Key));
            q.AddJob<MoraleJob>(job => job.WithIdentity(MoraleJob.Key));
            q.AddJob<DigestJob>(job => job.WithIdentity(DigestJob.Key));
            q.AddJob<OutboxJob>(job => job.WithIdentity(OutboxJob.Key));
            foreach (var (job, cron) in schedules)
                q.AddTrigger(trigger => trigger.ForJob(job).WithIdentity($"{job.Name}-schedule")
                    // Schedules read in the configured zone: "09:00" is the user's 09:00, across daylight-saving changes.
                    .WithCronSchedule(cron, c => c.InTimeZone(zone)).StartNow());
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
