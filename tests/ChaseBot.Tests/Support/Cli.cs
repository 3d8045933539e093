using ChaseBot.Worker.CommandLine;

namespace ChaseBot.Tests.Support;

public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs the Worker's command line in-process, as `dotnet run --project src/Worker -- ...` would.</summary>
public static class Cli
{
    public static async Task<CliResult> RunAsync(TimeProvider? clock = null, IDictionary<string, string?>? settings = null,
        params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await WorkerCommandLine.RunAsync(args, stdout, stderr, clock ?? Clocks.At("2026-11-21T09:00:00Z"), settings);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(null, null, args);
}
