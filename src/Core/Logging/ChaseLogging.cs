using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Logging;

public static class ChaseLogging
{
    /// <summary>
    /// Structured JSON lines on stdout in containers (DOTNET_RUNNING_IN_CONTAINER) or when Logging:Format is "json";
    /// readable text otherwise. Scopes are included, so every line of a request or job run carries its CorrelationId.
    /// Secrets are never passed to a logger: tokens and signing secrets only ever travel in headers and HMAC keys.
    /// </summary>
    public static ILoggingBuilder AddChaseLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        var format = configuration["Logging:Format"] ??
                     (Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER") == "true" ? "json" : "text");
        logging.ClearProviders();
        if (format.Equals("json", StringComparison.OrdinalIgnoreCase))
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        else
            logging.AddSimpleConsole(o => o.IncludeScopes = true);
        return logging;
    }
}
