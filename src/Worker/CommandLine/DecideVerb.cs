using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

/// <summary>decide &lt;proposal&gt; approve|snooze|reject|remind-first: the same decision Slack buttons and Teams cards make.</summary>
internal static class DecideVerb
{
    public static async Task<ExitCode> RunAsync(ParsedArguments arguments, IServiceProvider services, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        if (arguments.Positionals.Count != 2 || !long.TryParse(arguments.Positionals[0], out var proposalId))
            return WorkerCommandLine.UsageError(stderr, arguments, "decide takes a proposal number and approve, snooze, reject or remind-first");
        var verdict = ProposalActions.VerdictOfWord(arguments.Positionals[1]);
        if (verdict is null)
            return WorkerCommandLine.UsageError(stderr, arguments, $"'{arguments.Positionals[1]}' is not approve, snooze, reject or remind-first");
        var days = 7;
        if (arguments["days"] is { } text && (!int.TryParse(text, out days) || days is < 1 or > 90))
            return WorkerCommandLine.UsageError(stderr, arguments, "--days is a number of days from 1 to 90");
        var user = arguments["user"] ?? Environment.UserName;

        var result = await services.GetRequiredService<ProposalDecisions>()
            .DecideAsync(proposalId, user, verdict.Value, arguments["reason"], days, cancellationToken);
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
