using System.Globalization;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Morale;
using ChaseBot.Core.Storage;
using ChaseBot.Core.Text;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Conversations;

/// <summary>
/// The one way in from chat. Every platform translates its requests into a <see cref="ChatCommand"/> or a
/// <see cref="ChatClick"/> (after checking who sent them) and renders what comes back; what a command or a button
/// means, who may do it, and the words that say what happened are decided here, once for every platform.
/// </summary>
public sealed partial class ChatDispatcher(ChaseCommands commands, ProposalDecisions decisions, MoraleCheckIns morale,
    IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings settings, TimeProvider clock)
{
    public Task<CommandReply> CommandAsync(ChatCommand command, CancellationToken cancellationToken = default) =>
        commands.HandleAsync(command.Text, command.Context, cancellationToken);

    /// <summary>Whether a command only reads (a platform that may be sent a request twice takes it once only where it writes).</summary>
    public static bool OnlyReads(string text) => ChaseCommands.OnlyReads(text);

    public async Task<ClickAnswer> ClickAsync(ChatClick click, CancellationToken cancellationToken = default)
    {
        var proposalId = long.TryParse(click.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : (long?)null;
        if (ProposalActions.VerdictOf(click.Action) is { } verdict && proposalId is not null)
            return await DecideAsync(click, verdict, id, cancellationToken);
        if (click.Action == ProposalActions.Refresh && proposalId is not null)
            return new ClickAnswer(ClickEffect.Unchanged, new ChatNote("")) { ProposalId = id };
        if (click.Action == MoraleCheckIns.AnswerAction && MoraleCheckIns.TryReadAnswer(click.Value, out var checkId, out var answer))
        {
            // Shown in place of the prompt's buttons, so not posted again as a message of its own.
            var reply = await morale.AnswerAsync(checkId, click.UserId, answer, cancellationToken, postReply: false);
            return new ClickAnswer(ClickEffect.Settled, new ChatNote($"You answered: {answer}. {reply}"));
        }
        if (click.Action == ClientContacts.MarkSentAction)
        {
            // The person sent the draft themselves: recorded as contact; the draft loses its button and says who sent it.
            var reply = await commands.MarkDraftSentAsync(click.Value, click.Context, cancellationToken);
            return reply.Outcome == CommandOutcome.Done
                ? new ClickAnswer(ClickEffect.Settled, new ChatNote(reply.Message.Title, new Attribution("sent", click.UserId))) { DropLine = ChaseMessages.SendItYourself }
                : ClickAnswer.Refused(reply.Message.Title);
        }
        return ClickAnswer.Refused(ClickAnswer.NotUnderstood);
    }

    private async Task<ClickAnswer> DecideAsync(ChatClick click, Verdict verdict, long proposalId, CancellationToken cancellationToken)
    {
        // A click on a private overview is not on the proposal's card, so the posted card is updated by the outbox like
        // any other decision; a click on the card is answered by rewriting that card.
        var result = await decisions.DecideAsync(proposalId, click.Context.Actor, verdict, cancellationToken: cancellationToken, onItsCard: !click.OnHome,
            displayName: click.DisplayName);
        if (result.Accepted)
            return new ClickAnswer(ClickEffect.Settled, new ChatNote(result.Message, new Attribution(ProposalActions.PastTense(verdict), click.UserId,
                ZoneTime.ClockAndDay(clock.GetUtcNow(), settings.Calendar.Zone))))
            {
                DropLine = ChaseMessages.DecisionPending, ProposalId = proposalId, Tone = verdict == Verdict.Approve ? NoteTone.Good : NoteTone.Plain,
            };
        // A withdrawal is not a refusal of this click: it no longer stands, and its card says so for everyone, without buttons.
        return result.Status == ProposalStatus.Withdrawn
            ? new ClickAnswer(ClickEffect.Settled, new ChatNote(result.Message)) { DropLine = ChaseMessages.DecisionPending, ProposalId = proposalId, Tone = NoteTone.Warning }
            : ClickAnswer.Refused(result.Message, proposalId);
    }
}
