using ChaseBot.Core;
using ChaseBot.Core.Exports;
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
        var schedule = configuration.GetSection(ExportOptions.Section)[nameof(ExportOptions.Schedule)] ?? new ExportOptions().Schedule;
        if (!CronExpression.TryParse(schedule, out var cron))
            throw new InvalidOperationException($"Exports:Schedule '{schedule}' is not a Quartz cron expression (e.g. \"0 0/15 * * * ?\").");

        // Jobs are registered explicitly so a constructor that cannot be satisfied fails at start, not at 3 a.m.
        services.AddSingleton<RefusedExports>();
        services.AddTransient<ImportJob>();
        services.AddQuartz(q =>
        {
            q.AddJob<ImportJob>(job => job.WithIdentity(ImportJob.Key));
            q.AddTrigger(trigger => trigger.ForJob(ImportJob.Key).WithIdentity("import-exports-schedule")
                .WithCronSchedule(cron).StartNow());
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
