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
    /// <param name="again">Whether the Home may be published once more when it showed figures from before a change
    /// (the current ones were still being read): once, however often the ledger changes meanwhile.</param>
    public async Task PublishAsync(string user, string? notice, CancellationToken cancellationToken, bool again = true)
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
            if (again && overview.FiguresUpToDate is { } upToDate)
            {
                // Shown at once with the figures from before the change, it is shown again with the new ones when read.
                await upToDate.WaitAsync(cancellationToken);
                await PublishAsync(user, notice, cancellationToken, again: false);
            }
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
