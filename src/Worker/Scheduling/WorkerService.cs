using ChaseBot.Core.Health;
using ChaseBot.Core;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Logging;
using ChaseBot.Core.Morale;
using ChaseBot.Core.Storage;
using ChaseBot.Worker.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ChaseBot.Core.Delivery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace ChaseBot.Worker.Scheduling;

/// <summary>The Worker as a long-running service (composed in Program.cs): its schedule and its health probes.</summary>
internal static class WorkerService
{
    /// <summary>The shared probes; the Worker is ready only when its scheduler is running too.</summary>
    public static void MapWorkerHealth(this WebApplication app) =>
        app.MapChaseHealth(async (services, cancellationToken) =>
            await services.GetRequiredService<ScheduleHost>().IsRunningAsync(cancellationToken) ? [] : ["the scheduler is not running"]);

    public static IServiceCollection AddChaseSchedule(this IServiceCollection services, IConfiguration configuration)
    {
        var chase = configuration.GetSection(ChaseOptions.Section).Get<ChaseOptions>() ?? new ChaseOptions();
        var zone = chase.ResolveTimeZone();
        var worker = WorkerOptions.From(configuration);
        var errors = new List<string>(new WorkerOptionsValidator().Validate(null, worker).Failures ?? []);
        CronExpression Schedule(string key, string text, string fallback)
        {
            if (CronExpression.TryParse(text, out var cron))
                return cron;
            errors.Add($"{key} '{text}' is not a Quartz cron expression (e.g. \"0 0/15 * * * ?\")");
            return CronExpression.Parse(fallback);
        }
        T Section<T>(string section) where T : new() => configuration.GetSection(section).Get<T>() ?? new T();
        var jobs = new ScheduledJob[]
        {
            new(ImportJob.Key, typeof(ImportJob), Schedule("Exports:Schedule", Section<ExportOptions>(ExportOptions.Section).Schedule, new ExportOptions().Schedule)),
            new(ChaseJob.Key, typeof(ChaseJob), Schedule("Chase:Schedule", chase.Schedule, new ChaseOptions().Schedule)),
            new(MoraleJob.Key, typeof(MoraleJob), Schedule("Morale:Schedule", Section<MoraleOptions>(MoraleOptions.Section).Schedule, new MoraleOptions().Schedule)),
            new(DigestJob.Key, typeof(DigestJob), Schedule("Digest:Schedule", Section<DigestOptions>(DigestOptions.Section).Schedule, new DigestOptions().Schedule)),
            new(OutboxJob.Key, typeof(OutboxJob), Schedule("Delivery:Schedule", Section<DeliveryOptions>(DeliveryOptions.Section).Schedule, new DeliveryOptions().Schedule)),
            new(SyncJob.Key, typeof(SyncJob), SyncSchedule(Section<Core.Sources.SourcesOptions>(Core.Sources.SourcesOptions.Section).SyncEvery)),
        };
        CronExpression SyncSchedule(TimeSpan every)
        {
            if (SyncJob.Cron(every) is { } cron)
                return CronExpression.Parse(cron);
            errors.Add($"Sources:SyncEvery '{every}' must be whole minutes that divide an hour (5, 10, 15, 30) or hours that divide a day");
            return CronExpression.Parse(SyncJob.Cron(new Core.Sources.SourcesOptions().SyncEvery)!);
        }
        var (checkin, failoverAfter, shutdown) = (worker.ClusterCheckinInterval, worker.ClusterFailoverAfter, worker.ShutdownTimeout);
        services.AddChaseOptions<WorkerOptions, WorkerOptionsValidator>(configuration, WorkerOptions.Section);
        var connectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        var database = DatabaseOptions.From(configuration);
        if (database.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connectionString))
            errors.Add($"Database:Provider is Postgres but ConnectionStrings:{DatabaseOptions.ConnectionStringName} is not set");
        if (errors.Count > 0)
            throw new Core.SettingsException(string.Join("; ", errors));

        // Jobs are registered explicitly so a constructor that cannot be satisfied fails at start, not at 3 a.m.
        services.AddSingleton<RefusedExports>();
        services.AddSingleton<ExportSetAsideNotice>();
        foreach (var job in jobs)
            services.AddTransient(job.JobType);
        services.AddSingleton(new WorkerSchedule(jobs, zone));
        services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdown);
        services.AddQuartz(q =>
        {
            if (database.Provider == DatabaseProvider.Postgres)
                q.UsePersistentStore(store =>
                {
                    // Several Workers share one schedule: each firing is taken by exactly one of them, and a Worker
                    // that stops checking in has its triggers (and unfinished firings) taken over by the others.
                    store.UsePostgres(connectionString!);
                    store.UseSystemTextJsonSerializer();
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = checkin;
                        c.CheckinMisfireThreshold = failoverAfter;
                    });
                    store.ProvisionSchema(); // Quartz's own tables, from its embedded script, created once if missing
                });
            // With SQLite, Quartz keeps the schedule in memory: SingleScheduler makes sure only one Worker does.
            q.AddJobLogScope(); // every line of a job run carries the job and its fire instance (the run's correlation id)
            q.AddJobListener<JobRunLog>();
        });
        services.AddSingleton<ScheduleHost>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleHost>());
        return services;
    }
}
