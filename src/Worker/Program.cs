using ChaseBot.Worker.CommandLine;

namespace ChaseBot.Worker;

internal static class Program
{
    /// <summary>With a verb (import, status, run-once) the Worker runs it and exits; with none it runs as a service.</summary>
    public static Task<int> Main(string[] args) => WorkerCommandLine.RunAsync(args, Console.Out, Console.Error);
}
