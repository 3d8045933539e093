using ChaseBot.Core.Health;
using ChaseBot.Core.Slack;
using ChaseBot.Core.Teams;
using Microsoft.Extensions.Options;

namespace ChaseBot.Bot.Health;

public static class HealthEndpoints
{
    /// <summary>The shared probes; the Bot is ready only when its chat platforms' settings are valid too.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app) =>
        app.MapChaseHealth((services, cancellationToken) =>
        {
            try
            {
                _ = services.GetRequiredService<IOptions<SlackOptions>>().Value; // validated when read: a half-configured platform is not ready
                _ = services.GetRequiredService<IOptions<TeamsOptions>>().Value;
                return Task.FromResult<IEnumerable<string>>([]);
            }
            catch (OptionsValidationException e)
            {
                return Task.FromResult<IEnumerable<string>>(e.Failures);
            }
        });
}
