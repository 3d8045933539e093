using ChaseBot.Core;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Storage;
using ChaseBot.Worker.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChaseBot.Worker.CommandLine;

/// <summary>The Worker's command line: the contract people, scripts and tests rely on.</summary>
public static class WorkerCommandLine
{
    public const string Usage = """
        Usage: dotnet run --project src/Worker -- <verb> [options]

          import <file|folder> [--format <name>] [--date-order dmy|mdy] [--payment-term-days <n>] [--db <path>] [--json]
              Import accounting exports into the ledger and print what changed.
          status [client|invoice] [--as-of yyyy-MM-dd] [--all] [--db <path>] [--json|--csv]
              Who owes what: outstanding invoices, days overdue, totals per currency by age.
          plan [--as-of yyyy-MM-dd] [--db <path>] [--json]
              What the chase would do now (or on that day), changing nothing: nudges, proposals, skips and why.
          decide <proposal> approve|snooze|reject [--user <id>] [--reason <text>] [--days <n>]
              Decide an escalation proposal (the user must be in Chase:Approvers).
          chat "<command>" [--user <id>] [--as-of yyyy-MM-dd] [--db <path>]
              Any /chase command (status, paid, dispute, promise, snooze, client, …; "help" lists them).
          digest [--db <path>]
              Post a digest now to the digest channels.
          outbox [--db <path>] [--json]
              Messages not delivered yet: held for quiet hours, retrying, or dead-lettered with their error.
          run-once [--folder <path>] [--as-of yyyy-MM-dd] [--db <path>]
              The main job once: import the export folder (Exports:Folder), chase, check in, digest, and post
              (to the console when no chat platform is configured).
          (no verb)
              Run as a service: Quartz imports Exports:Folder, chases, checks in, posts digests and delivers, each on its schedule.

        Formats: xero, quickbooks, stripe, zoho, invoiceninja (v4, v5), freshbooks, generic.
        Any setting can be given as --set Key=Value, e.g. --set Exports:DefaultCurrency=EUR.
        Exit codes: 0 done; 1 failed; 2 bad arguments, or a file refused whole.
        """;

    /// <param name="clock">A fake clock in tests; the system clock otherwise.</param>
    /// <param name="configuration">Extra settings in tests (applied under the command line's own).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider? clock = null,
        IDictionary<string, string?>? configuration = null, CancellationToken cancellationToken = default)
    {
        var arguments = ParsedArguments.Parse(args, out var error);
        if (arguments is null)
            return UsageError(stderr, error!);
        if (arguments.Flags.Contains("help") || arguments.Verb is "help")
        {
            await stdout.WriteLineAsync(Usage);
            return 0;
        }
        if (arguments.Verb is not (null or "import" or "status" or "run-once" or "plan" or "decide" or "digest" or "outbox" or "chat"))
            return UsageError(stderr, $"unknown verb '{arguments.Verb}'");

        try
        {
            var settings = WorkerConfiguration.Build(arguments, configuration);
            if (arguments.Verb is null)
                return await WorkerService.RunAsync(settings, arguments, stderr, cancellationToken);

            if (arguments.Verb == "chat")
            {
                if (!TryReadAsOf(arguments, stderr, out var day))
                    return 2;
                if (day is { } asOf)
                    clock = new FixedClock(new DateTimeOffset(asOf.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
            }
            await using var services = BuildServices(settings, clock, stdout);
            // Every section registered with ValidateOnStart is checked before any data is touched, as a host would.
            services.GetService<IStartupValidator>()?.Validate();
            await using (var db = await services.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContextAsync(cancellationToken))
                await DatabaseMigrator.MigrateAsync(db, cancellationToken);

            return arguments.Verb switch
            {
                "import" => await ImportVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "status" => await StatusVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "plan" => await PlanVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "decide" => await DecideVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "digest" => await DigestVerb.RunAsync(services, stdout, cancellationToken),
                "chat" => await ChatVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "outbox" => await OutboxVerb.RunAsync(arguments, services, stdout, cancellationToken),
                _ => await RunOnceVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
            };
        }
        catch (OptionsValidationException e)
        {
            await stderr.WriteLineAsync($"configuration: {string.Join("; ", e.Failures)}");
            return 2;
        }
        catch (InvalidOperationException e) when (e.Message.Contains(':'))
        {
            await stderr.WriteLineAsync($"configuration: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("cancelled");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Data.Common.DbException or DbUpdateException)
        {
            // Storage and file-system failures (a read-only database, a full disk) are stated, not dumped.
            await stderr.WriteLineAsync($"error: {(e.InnerException ?? e).Message}");
            if (e is System.Data.Common.DbException or DbUpdateException)
                await stderr.WriteLineAsync("  (check that the database is reachable, the disk has space, and the database file and its folder are writable)");
            return 1;
        }
    }

    /// <summary>"Today" for chat --as-of: commands read dates relative to it.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    internal static ServiceProvider BuildServices(IConfiguration configuration, TimeProvider? clock, TextWriter stdout)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging();
        if (clock is not null)
            services.AddSingleton(clock);
        // No chat platform configured: messages are printed, readable, on this command's output.
        services.AddSingleton(new ConsolePlatform(stdout));
        services.AddChaseCore(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    internal static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {message}");
        stderr.WriteLine();
        stderr.WriteLine(Usage);
        return 2;
    }

    /// <summary>--as-of, when given; false (with the usage error printed) when it is not a date.</summary>
    internal static bool TryReadAsOf(ParsedArguments arguments, TextWriter stderr, out DateOnly? asOf)
    {
        asOf = null;
        if (arguments["as-of"] is not { } text)
            return true;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var day))
        {
            asOf = day;
            return true;
        }
        UsageError(stderr, $"--as-of is '{text}'; expected a date like 2026-11-30");
        return false;
    }

    /// <summary>Today in the configured time zone, or --as-of; false (usage printed) when --as-of is not a date.</summary>
    internal static bool TryAsOf(ParsedArguments arguments, IServiceProvider services, TextWriter stderr, out DateOnly asOf)
    {
        asOf = default;
        if (!TryReadAsOf(arguments, stderr, out var given))
            return false;
        asOf = given ?? services.GetRequiredService<Core.Chasing.ChaseSettings>().Calendar.Today(services.GetRequiredService<TimeProvider>().GetUtcNow());
        return true;
    }
}
