using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Slack;

namespace ChaseBot.Bot.Slack;

/// <summary>POST /slack/commands: /chase &lt;text&gt;. Answers within Slack's 3 seconds, or acknowledges and finishes through response_url.</summary>
public static class SlashCommandEndpoint
{
    // Slack allows 3 s end to end; 2 s leaves room for the network and a busy thread pool.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public static async Task<IResult> HandleAsync(HttpContext context, ChaseCommands commands, SlackFollowUps followUps,
        ILoggerFactory logs)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var user = form["user_id"].ToString();
        if (string.IsNullOrEmpty(user))
            return Results.BadRequest();
        // On the thread pool: SQLite waits for another process's lock synchronously, and Slack's 3 seconds must not wait with it.
        var text = form["text"].ToString();
        var channel = form["channel_id"].ToString();
        var reply = Task.Run(() => commands.HandleAsync(text, new CommandContext(user, "slack", channel)));
        try
        {
            // WaitAsync drops its timer as soon as the answer is ready; a Task.Delay per request stayed queued for the
            // whole budget (thousands of live timers under load).
            var answer = await reply.WaitAsync(Budget, context.RequestAborted);
            return Results.Bytes(Rendered.GetValue(answer, a => JsonSerializer.SerializeToUtf8Bytes(Render(a))), "application/json; charset=utf-8");
        }
        catch (TimeoutException)
        {
        }

        var responseUrl = form["response_url"].ToString();
        _ = Task.Run(async () =>
        {
            try { await followUps.PostAsync(responseUrl, Render(await reply)); }
            catch (Exception e) { logs.CreateLogger(nameof(SlashCommandEndpoint)).LogError(e, "A slow /chase command failed"); }
        });
        return Results.Json(new JsonObject { ["response_type"] = "ephemeral", ["text"] = "Working on it…" });
    }

    /// <summary>
    /// Each answer rendered once: an answer served again while the ledger is unchanged (a repeated status) is the same
    /// object, so its Block Kit is built and serialised once rather than on every request.
    /// </summary>
    private static readonly ConditionalWeakTable<CommandReply, byte[]> Rendered = new();

    public static JsonObject Render(CommandReply reply)
    {
        var message = BlockKit.Message(reply.Message);
        message["response_type"] = reply.Public ? "in_channel" : "ephemeral";
        return message;
    }
}
