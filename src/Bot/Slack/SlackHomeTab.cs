using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Slack;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Bot.Slack;

/// <summary>
/// Publishes a person's Home tab (views.publish): read from the ledger when they open it and after they decide a
/// proposal on it. A failure is logged and the Home keeps what it showed; the next opening tries again.
/// </summary>
public sealed class SlackHomeTab(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings settings, ChatRoles roles, SlackApiClient slack,
    TimeProvider clock, ILogger<SlackHomeTab> log, Core.Sources.ConnectedSources? sources = null, FiguresCache? figures = null)
{
    public async Task PublishAsync(string user, string? notice, CancellationToken cancellationToken)
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var today = settings.Calendar.Today(clock.GetUtcNow());
            HomeOverview overview;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
                overview = await HomeOverview.ForAsync(db, settings, roles, user, today, cancellationToken, figures) with
                {
                    Books = sources is null ? null : await sources.FreshnessAsync(cancellationToken),
                };
            Core.Telemetry.ChaseMetrics.RecordStatus("home", System.Diagnostics.Stopwatch.GetElapsedTime(started));
            await slack.PublishHomeAsync(user, BlockKit.Home(overview, settings.Ladder, notice), cancellationToken);
        }
        catch (SlackApiException e) when (e.Error == "not_enabled")
        {
            log.LogWarning("Slack refused the Home tab (not_enabled): turn it on under App Home → Home Tab, as both manifests in deploy/slack do");
        }
        catch (Exception e) when (e is SlackApiException or TransientDeliveryException or TimeoutException or HttpRequestException
                                      or DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            log.LogWarning("Could not publish the Home tab for {User}: {Error}", user, e.Message);
        }
    }
}
