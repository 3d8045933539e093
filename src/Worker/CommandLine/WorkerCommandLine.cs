using ChaseBot.Core;
using System.CommandLine;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Exports;
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
    /// <param name="clock">A fake clock in tests; the system clock otherwise.</param>
    /// <param name="configuration">Extra settings in tests (applied under the command line's own).</param>
    /// <returns>The process's exit code (<see cref="ExitCode"/>).</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider? clock = null,
        IDictionary<string, string?>? configuration = null, CancellationToken cancellationToken = default) =>
        (int)await RunVerbAsync(args, stdout, stderr, clock, configuration, cancellationToken);

    private static async Task<ExitCode> RunVerbAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider? clock,
        IDictionary<string, string?>? configuration, CancellationToken cancellationToken)
    {
        var (rest, overrides, settingError) = VerbInput.SplitSettings(args);
        var cli = new WorkerCommands();
        var root = cli.Root;
        var parse = root.Parse(rest);
        var help = HelpFor(root, parse.CommandResult.Command);
        if (settingError is not null)
            return UsageError(stderr, help, settingError);
        if (parse.Errors.Count > 0)
            return UsageError(stderr, help, string.Join(Environment.NewLine + "error: ", parse.Errors.Select(e => e.Message)));
        if (parse.Action != parse.CommandResult.Command.Action)
            return (ExitCode)await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken); // --help
        var arguments = VerbInput.From(parse, cli, overrides, help, out var error);
        if (arguments is null)
            return UsageError(stderr, help, error!);

        try
        {
            var settings = WorkerConfiguration.Build(arguments, configuration);
            if (arguments.Verb is null)
                return await Program.RunServiceAsync(settings, stderr, cancellationToken);

            if (arguments.Verb == "chat" && arguments.Get(cli.AsOf) is { } asOf)
                clock = new FixedClock(new DateTimeOffset(asOf.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
            if (await RefuseBeforeTouchingTheLedgerAsync(arguments, settings, stderr) is { } refused)
                return refused;
            await using var services = BuildServices(settings, clock, stdout);
            // Every section registered with ValidateOnStart is checked before any data is touched, as a host would.
            services.GetService<IStartupValidator>()?.Validate();
            var wait = new LockWait(message => stderr.WriteLine(message), services.GetRequiredService<DatabaseOptions>().LockTimeout);
            await using (var db = await services.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContextAsync(cancellationToken))
                await DatabaseMigrator.MigrateAsync(db, wait, cancellationToken);

            return arguments.Verb switch
            {
                "import" => await ImportVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "status" => await StatusVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "cases" => await CasesVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "report" => await ReportVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "interest" => await InterestVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "plan" => await PlanVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "decide" => await DecideVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "digest" => await DigestVerb.RunAsync(services, stdout, cancellationToken),
                "chat" => await ChatVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                "outbox" => await OutboxVerb.RunAsync(arguments, services, stdout, cancellationToken),
                "sync" => await SourcesVerbs.SyncAsync(arguments, services, stdout, stderr, cancellationToken),
                "sources" => await SourcesVerbs.ListAsync(arguments, services, stdout, cancellationToken),
                "connect" or "disconnect" => await ConnectVerbs.RunAsync(arguments, services, stdout, stderr, cancellationToken),
                _ => await RunOnceVerb.RunAsync(arguments, services, stdout, stderr, cancellationToken),
            };
        }
        catch (LockTimeoutException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return ExitCode.Failed;
        }
        catch (OptionsValidationException e)
        {
            await stderr.WriteLineAsync($"configuration: {string.Join("; ", e.Failures)}");
            return ExitCode.Refused;
        }
        catch (Exception e) when (SettingsException.Explains(e) is { } setting)
        {
            await stderr.WriteLineAsync($"configuration: {setting}");
            return ExitCode.Refused;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("cancelled");
            return ExitCode.Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Data.Common.DbException or DbUpdateException)
        {
            // Storage and file-system failures (a read-only database, a full disk) are stated, not dumped.
            await stderr.WriteLineAsync($"error: {(e.InnerException ?? e).Message}");
            if (e is System.Data.Common.DbException or DbUpdateException)
                await stderr.WriteLineAsync("  (check that the database is reachable, the disk has space, and the database file and its folder are writable)");
            return ExitCode.Failed;
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
        services.AddSingleton(sp => new ConsolePlatform(stdout, null, sp.GetRequiredService<DigestCharts>()));
        services.AddChaseCore(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    internal static ExitCode UsageError(TextWriter stderr, VerbInput arguments, string message) =>
        UsageError(stderr, arguments.Help, message);

    private static ExitCode UsageError(TextWriter stderr, string help, string message)
    {
        stderr.WriteLine($"error: {message}");
        stderr.WriteLine();
        stderr.WriteLine(help);
        return ExitCode.Refused;
    }

    /// <summary>The help System.CommandLine writes for a verb (or for the whole program).</summary>
    private static string HelpFor(RootCommand root, Command command)
    {
        var help = new StringWriter();
        root.Parse(command == root ? ["--help"] : [command.Name, "--help"]).Invoke(new InvocationConfiguration { Output = help });
        return help.ToString().TrimEnd();
    }

    /// <summary>
    /// What can be refused before a ledger is opened (opening an SQLite file creates it): a verb that only reads or
    /// decides on a ledger that does not exist, an import of nothing, a run-once without its folder.
    /// </summary>
    private static async Task<ExitCode?> RefuseBeforeTouchingTheLedgerAsync(VerbInput arguments, IConfiguration settings, TextWriter stderr)
    {
        if (arguments.Verb == "import" && arguments.Get(arguments.Cli.Path) is var path && !File.Exists(path) && !Directory.Exists(path))
            return UsageError(stderr, arguments, $"there is no file or folder '{Path.GetFullPath(path)}'");
        if (arguments.Verb == "run-once" && settings[$"{ExportOptions.Section}:Folder"] is { } folder && !Directory.Exists(folder))
        {
            await stderr.WriteLineAsync($"error: the export folder '{Path.GetFullPath(folder)}' does not exist (set Exports:Folder or pass --folder)");
            return ExitCode.Refused;
        }
        if (!WorkerCommands.NeedsExistingLedger(arguments.Verb) || DatabaseOptions.From(settings).Provider != DatabaseProvider.Sqlite)
            return null;
        var file = DatabaseOptions.SqliteFile(settings.GetConnectionString(DatabaseOptions.ConnectionStringName));
        if (file is null || File.Exists(file))
            return null;
        await stderr.WriteLineAsync($"error: there is no ledger at {file}. `{arguments.Verb}` only reads an existing one; create it by " +
                                    $"importing your exports: import <file|folder> --db {file} (or run-once --db {file}).");
        return ExitCode.Refused;
    }

    /// <summary>Today in the configured time zone, or --as-of.</summary>
    internal static DateOnly AsOf(VerbInput arguments, IServiceProvider services) => arguments.Get(arguments.Cli.AsOf) ??
        services.GetRequiredService<Core.Chasing.ChaseSettings>().Calendar.Today(services.GetRequiredService<TimeProvider>().GetUtcNow());
}
