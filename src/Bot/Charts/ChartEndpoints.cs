using ChaseBot.Core.Digests;
using ChaseBot.Core.Telemetry;

namespace ChaseBot.Bot.Charts;

/// <summary>
/// GET /charts/{token}.png: a digest's picture, for Teams, which fetches a card's image by address. Only a token the
/// Worker signed, not yet expired, names a chart; anything else is 404, the same whether altered, forged or expired.
/// </summary>
public static class ChartEndpoints
{
    public static void MapCharts(this IEndpointRouteBuilder app) =>
        app.MapGet(ChartLinks.PathPrefix + "{file}", async (string file, ChartLinks links, DigestCharts charts, HttpContext context) =>
        {
            if (!file.EndsWith(".png", StringComparison.Ordinal) || links.Read(file[..^4]) is not { } id)
            {
                ChaseMetrics.Refused.Add(1, new KeyValuePair<string, object?>("endpoint", "charts"));
                return Results.NotFound();
            }
            if (await charts.FindAsync(id, context.RequestAborted) is not { } chart)
                return Results.NotFound();
            // The same token always names the same bytes: Teams' image proxy may keep them until the link expires.
            context.Response.Headers.CacheControl = "private, max-age=86400, immutable";
            return Results.File(chart.Png, "image/png");
        });
}
