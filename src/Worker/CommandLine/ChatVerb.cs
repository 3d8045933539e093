using ChaseBot.Core.Commands;
using ChaseBot.Core.Conversations;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

/// <summary>
/// chat "&lt;command&gt;": the same handlers as Slack and Teams, from a terminal or a script. Roles apply to --user
/// (default: the local user name), who is an approver only if configured so.
/// </summary>
internal static class ChatVerb
{
    public static async Task<ExitCode> RunAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        // The same way in as a chat platform's: the terminal is one more surface.
        var reply = await services.GetRequiredService<ChatDispatcher>()
            .CommandAsync(new ChatCommand("cli", arguments.User, arguments.Words(arguments.Cli.CommandText)!), cancellationToken);
        await (reply.Outcome == CommandOutcome.Done ? stdout : stderr).WriteLineAsync(reply.ToText());
        return reply.Outcome switch
        {
            CommandOutcome.Refused => ExitCode.Refused,
            CommandOutcome.Failed => ExitCode.Failed,
            _ => ExitCode.Done,
        };
    }
}
