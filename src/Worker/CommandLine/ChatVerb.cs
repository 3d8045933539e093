using ChaseBot.Core.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

/// <summary>
/// chat "&lt;command&gt;": the same handlers as Slack and Teams, from a terminal or a script. Roles apply to --user
/// (default: the local user name), who is an approver only if configured so.
/// </summary>
internal static class ChatVerb
{
    public static async Task<ExitCode> RunAsync(ParsedArguments arguments, IServiceProvider services, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        if (arguments.Positionals.Count == 0)
            return WorkerCommandLine.UsageError(stderr, arguments, "chat takes the command text, e.g. chat \"status Kauri Digital Ltd\"");
        var user = arguments["user"] ?? Environment.UserName;
        var reply = await services.GetRequiredService<ChaseCommands>()
            .HandleAsync(string.Join(' ', arguments.Positionals), new CommandContext(user, "cli"), cancellationToken);
        await (reply.Outcome == CommandOutcome.Done ? stdout : stderr).WriteLineAsync(reply.ToText());
        return reply.Outcome switch
        {
            CommandOutcome.Refused => ExitCode.Refused,
            CommandOutcome.Failed => ExitCode.Failed,
            _ => ExitCode.Done,
        };
    }
}
