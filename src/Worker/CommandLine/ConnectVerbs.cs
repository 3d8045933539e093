using ChaseBot.Core.Sources.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

/// <summary>
/// <c>connect xero</c> and <c>disconnect xero</c> from the machine ChaseBot runs on: whoever holds the ledger may connect
/// its books, so no chat role is asked for, as for <c>sync</c>.
/// </summary>
internal static class ConnectVerbs
{
    public static async Task<ExitCode> RunAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout, TextWriter stderr,
        CancellationToken cancellationToken)
    {
        var connections = services.GetRequiredService<OAuthConnections>();
        if (connections.Books(arguments.Get(arguments.Cli.Books).ToLowerInvariant()) is not { } books)
            return WorkerCommandLine.UsageError(stderr, arguments,
                $"{arguments.Verb} takes the books to {arguments.Verb}: {string.Join(" or ", connections.All.Select(b => b.Source))}");
        var who = $"cli:{arguments.User}";
        if (arguments.Verb == "disconnect")
        {
            if (!await connections.DisconnectAsync(books.Source, who, cancellationToken))
            {
                await stderr.WriteLineAsync($"{books.DisplayName} is not connected: nothing to disconnect.");
                return ExitCode.Refused;
            }
            await stdout.WriteLineAsync($"{books.DisplayName} disconnected: ChaseBot no longer reads it, and asked {books.DisplayName} to revoke its access. " +
                                        "Invoices it synced stay in the ledger.");
            return ExitCode.Done;
        }
        try
        {
            var link = await connections.StartAsync(books.Source, who, cancellationToken: cancellationToken);
            await stdout.WriteLineAsync($"Open this link within {OAuthConnections.LinkValidity.TotalMinutes:0} minutes to connect {books.DisplayName} (it works once):");
            await stdout.WriteLineAsync(link.Link.ToString());
            await stdout.WriteLineAsync($"ChaseBot only reads your books; it asks {books.DisplayName} for {books.Scopes}, and syncs as soon as you have chosen the organisation.");
            return ExitCode.Done;
        }
        catch (ConnectProblemException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return ExitCode.Refused;
        }
    }
}
