using ChaseBot.Core.Sources;
using ChaseBot.Core.Sources.Connections;

namespace ChaseBot.Bot.Sources;

/// <summary>
/// Connecting books in a browser: <c>GET /connect/{source}?state=…</c> is the one-time link <c>connect xero</c> gave,
/// and sends the browser to the books' consent page; the books send it back to <c>/connect/{source}/callback</c>,
/// where the code is traded for tokens. The state is the only thing that makes either request ChaseBot's own, so
/// both are refused without one that is unused and within its 15 minutes. Pages are plain text: nothing on them is
/// worth a template, and nothing from the request is echoed into markup.
/// </summary>
public static class ConnectEndpoints
{
    public static IEndpointRouteBuilder MapConnect(this IEndpointRouteBuilder app)
    {
        app.MapGet("/connect/{source}", OpenAsync);
        app.MapGet("/connect/{source}/callback", CallbackAsync);
        return app;
    }

    private static async Task<IResult> OpenAsync(string source, HttpContext context, OAuthConnections connections)
    {
        try
        {
            return Results.Redirect((await connections.ConsentPageAsync(source, context.Request.Query["state"], context.RequestAborted)).ToString());
        }
        catch (ConnectProblemException e)
        {
            return Page(StatusCodes.Status400BadRequest, e.Message + ".");
        }
    }

    private static async Task<IResult> CallbackAsync(string source, HttpContext context, OAuthConnections connections, ConnectedSources sources,
        ILogger<OAuthConnections> log, IHostApplicationLifetime lifetime)
    {
        var query = context.Request.Query.Where(q => q.Value.Count == 1).ToDictionary(q => q.Key, q => q.Value.ToString());
        try
        {
            var state = await connections.CompleteAsync(source, query, context.RequestAborted);
            var name = connections.Books(source)!.DisplayName;
            // The first sync starts now rather than at the next schedule: the person who connected wants to see it work.
            _ = Task.Run(() => sources.SyncAsync("connect", source, lifetime.ApplicationStopping), lifetime.ApplicationStopping);
            return Page(StatusCodes.Status200OK,
                $"{name} is connected: {state.TenantName ?? state.Tenant}. ChaseBot is reading its invoices now; `sources` (or /chase sources) shows when it has. You can close this page.");
        }
        catch (ConnectProblemException e)
        {
            return Page(StatusCodes.Status400BadRequest, e.Message + ".");
        }
        catch (HttpRequestException e)
        {
            log.LogWarning("Connecting {Source}: the books could not be reached ({Error})", source, e.GetType().Name);
            return Page(StatusCodes.Status502BadGateway, "The books could not be reached to finish connecting. Ask for a new link and try again.");
        }
    }

    private static IResult Page(int status, string words) => Results.Text(words, "text/plain; charset=utf-8", statusCode: status);
}
