using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

/// <summary>decide &lt;proposal&gt; approve|snooze|reject|remind-first: the same decision Slack buttons and Teams cards make.</summary>
internal static class DecideVerb
{
    public static async Task<ExitCode> RunAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        var cli = arguments.Cli;
        var result = await services.GetRequiredService<ProposalDecisions>().DecideAsync(arguments.Get(cli.Proposal), new Core.Commands.Actor("cli", arguments.User),
            arguments.Get(cli.Decision), arguments.Get(cli.Reason), arguments.Get(cli.Days) ?? 7, cancellationToken);
        if (!result.Accepted)
        {
            await stderr.WriteLineAsync(result.Message);
            return ExitCode.Refused; // not an approver, no such proposal, or already decided
        }
        await stdout.WriteLineAsync(result.Message);
        await services.GetRequiredService<OutboxDrainer>().DrainAsync(cancellationToken);
        return ExitCode.Done;
    }
}
