namespace ChaseBot.Bot.Slack;

/// <summary>POST /slack/commands: /chase &lt;text&gt;, form-encoded, already verified as Slack's.</summary>
public static class SlashCommandEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, SlackInbound inbound)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (SlashCommand.From(name => form.TryGetValue(name, out var value) ? value.ToString() : null) is not { } command)
            return Results.BadRequest();
        return Results.Bytes(await inbound.CommandAsync(command, cancellationToken: context.RequestAborted), "application/json; charset=utf-8");
    }
}
