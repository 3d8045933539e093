using ChaseBot.Core.Slack;
using Microsoft.Extensions.Options;

namespace ChaseBot.Bot.Slack;

/// <summary>
/// Every request to /slack/* is authenticated before anything reads it for meaning: the raw body is read (up to a
/// limit), its v0 signature checked in constant time within the five-minute window, and a signature seen before is
/// refused as a replay. A refusal is 401 with an empty body and a log line; nothing is processed.
/// </summary>
public sealed class SlackRequestVerification(RequestDelegate next, IOptions<SlackOptions> options, TimeProvider clock,
    SlackReplayGuard replays, ILogger<SlackRequestVerification> log)
{
    public const int MaxBodyBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var secret = options.Value.SigningSecret;
        if (string.IsNullOrWhiteSpace(secret))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound; // Slack is not configured here.
            return;
        }
        if (await Http.RequestBody.ReadAtMostAsync(context.Request, MaxBodyBytes, context.RequestAborted) is not { } body)
        {
            Refuse(context, StatusCodes.Status413PayloadTooLarge, "body over the size limit");
            return;
        }
        var signature = context.Request.Headers["X-Slack-Signature"].ToString();
        var problem = SlackSignature.Problem(secret, context.Request.Headers["X-Slack-Request-Timestamp"], signature,
            body, clock.GetUtcNow());
        if (problem is null && !replays.FirstSighting(signature, clock.GetUtcNow()))
            problem = "replay of a request already handled";
        if (problem is not null)
        {
            Refuse(context, StatusCodes.Status401Unauthorized, problem);
            return;
        }
        context.Request.Body = new MemoryStream(body, writable: false);
        await next(context);
    }

    private void Refuse(HttpContext context, int status, string why)
    {
        ChaseBot.Core.Telemetry.ChaseMetrics.Refused.Add(1, new KeyValuePair<string, object?>("endpoint", "slack"));
        log.LogWarning("Refused {Method} {Path} from {Remote}: {Why}", context.Request.Method, context.Request.Path,
            context.Connection.RemoteIpAddress, why);
        context.Response.StatusCode = status;
    }
}

