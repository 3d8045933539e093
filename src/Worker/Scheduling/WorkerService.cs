using ChaseBot.Core;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Morale;
using ChaseBot.Core.Storage;
using ChaseBot.Worker.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace ChaseBot.Worker.Scheduling;

/// <summary>The Worker as a long-running service: Quartz runs the jobs on their schedules.</summary>
internal static class WorkerService
{
    public static async Task<int> RunAsync(IConfiguration configuration, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.Positionals.Count > 0)
            return WorkerCommandLine.UsageError(Console.Error, "the service takes no arguments");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddChaseCore(builder.Configuration);
        builder.Services.AddHostedService<DatabaseMigration>();
        builder.Services.AddChaseSchedule(builder.Configuration);
        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        return 0;
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
