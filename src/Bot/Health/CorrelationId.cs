namespace ChaseBot.Bot.Health;

public static class CorrelationId
{
    public const string Header = "X-Correlation-Id";

    /// <summary>
    /// Every inbound request gets a correlation id (the caller's, if it sent a sane one) in its log scope and its
    /// response, so one request's lines can be found together.
    /// </summary>
    public static IApplicationBuilder UseCorrelationId(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var given = context.Request.Headers[Header].ToString();
            var id = given.Length is > 0 and <= 64 && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
                ? given
                : Guid.NewGuid().ToString("N");
            context.Response.Headers[Header] = id;
            var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ChaseBot.Request");
            using (log.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
                await next(context);
        });
}
