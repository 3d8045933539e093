using System.Text.Json.Nodes;
using ChaseBot.Core.Slack;
using Microsoft.Extensions.Options;

namespace ChaseBot.Bot.Slack.SocketMode;

/// <summary>
/// Slack without a public URL: with Slack:AppToken set, the Bot opens Slack:SocketConnections WebSocket connections
/// (apps.connections.open, one single-use URL each) and takes every request through them. When Slack announces it will
/// close one (disconnect: warning, refresh_requested), its replacement is opened first and the old one keeps delivering
/// until Slack closes it; a dropped connection (or one that stops answering pings) is reopened at once, then with
/// backoff while it keeps failing. With link_disabled (Socket Mode turned off for the app) it stops and says so. Every envelope goes through
/// <see cref="SlackInbound"/>, like the HTTP endpoints, and is taken once however often it is delivered.
/// </summary>
public sealed class SocketModeClient(SlackApiClient slack, SlackInbound inbound, SlackFollowUps followUps, IOptions<SlackOptions> options,
    TimeProvider clock, ILogger<SocketModeClient> log) : BackgroundService
{
    /// <summary>How long a connection Slack said it will close may go on delivering before the Bot closes it itself.</summary>
    public static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    /// <summary>Slack's 3 seconds, less room for the network: how long a delivery again waits for the first one's answer.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    /// <summary>The commands this Bot took in the last ten minutes, by receipt key.</summary>
    private readonly RecentlySeen<TakenCommand> _commands = new(TimeSpan.FromMinutes(10));

    /// <summary>A connection that lasted this long is a success: the next drop is reopened at once.</summary>
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _linkDisabled = new();

    /// <summary>How long a stopping Bot waits for the envelopes it is handling to be answered before it closes its connections.</summary>
    public static readonly TimeSpan FinishGrace = TimeSpan.FromSeconds(10);

    private int _inHand;

    /// <summary>Envelopes read and not yet answered: what a stopping Bot still owes Slack.</summary>
    public int EnvelopesInHand => Volatile.Read(ref _inHand);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SocketMode)
            return;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _linkDisabled.Token);
        await Task.WhenAll(Enumerable.Range(1, options.Value.SocketConnections).Select(slot => KeepConnectedAsync(slot, stop.Token)));
    }

    /// <summary>One of the connections the Bot holds: opened, replaced when Slack asks, reopened when it drops.</summary>
    private async Task KeepConnectedAsync(int slot, CancellationToken stopping)
    {
        var failures = 0;
        var opened = 0;
        var draining = new List<Task>();
        while (!stopping.IsCancellationRequested)
        {
            SocketModeConnection? connection = null;
            try
            {
                var url = await slack.OpenSocketAsync(stopping);
                connection = await SocketModeConnection.ConnectAsync(url, HandleAsync, options.Value.SocketPingInterval, log, $"{slot}.{++opened}", stopping);
                await connection.Hello.WaitAsync(TimeSpan.FromSeconds(30), stopping);
                var connectedAt = System.Diagnostics.Stopwatch.StartNew();
                var reason = await connection.Ended.WaitAsync(stopping);
                // A connection that held is a success; one that keeps dropping right after its hello is failing, and
                // reopening it in a tight loop would only hammer Slack.
                failures = connectedAt.Elapsed < StableAfter ? failures + 1 : 0;
                if (reason == "link_disabled")
                {
                    log.LogError("Slack turned Socket Mode off for this app (link_disabled): the Bot stops connecting. " +
                                 "Turn it on again in the app's settings (Socket Mode), or unset Slack:AppToken and use the HTTP endpoints, then restart the Bot.");
                    await _linkDisabled.CancelAsync();
                    await connection.DisposeAsync();
                    return;
                }
                if (reason is not null)
                {
                    // Slack is about to close it: it may still deliver meanwhile, so it drains while the next one opens.
                    draining.Add(connection.DrainAsync(DrainGrace));
                    connection = null;
                    continue;
                }
                log.LogWarning("Socket Mode connection {Connection} closed without notice; opening another", $"{slot}.{opened}");
                if (failures > 1)
                    await Task.Delay(Backoff(failures - 1), stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is SlackApiException or System.Net.WebSockets.WebSocketException or HttpRequestException
                                          or TimeoutException or ChaseBot.Core.Delivery.TransientDeliveryException)
            {
                failures++;
                var wait = Backoff(failures);
                log.LogWarning("Could not open a Socket Mode connection ({Error}); trying again in {Seconds:0.#} s", Describe(e), wait.TotalSeconds);
                await Task.Delay(wait, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            finally
            {
                if (connection is not null)
                {
                    // Stopping: what this Bot took on is answered on the connection it came by (Slack would deliver it
                    // again elsewhere, where it is only acknowledged, since it was taken here).
                    if (stopping.IsCancellationRequested)
                        await connection.FinishHandlingAsync(FinishGrace);
                    await connection.DisposeAsync();
                }
                draining.RemoveAll(d => d.IsCompleted);
            }
        }
        await Task.WhenAll(draining).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>1, 2, 4… seconds up to a minute, with jitter so replicas do not reconnect in step.</summary>
    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 6))) * (0.8 + Random.Shared.NextDouble() * 0.4));

    private static string Describe(Exception e) => e is SlackApiException { Error: "invalid_auth" or "not_authed" or "not_allowed_token_type" } api
        ? $"{api.Error}: Slack:AppToken must be the app-level token (xapp-…) with connections:write"
        : e.Message;

    /// <summary>
    /// One envelope: a command is answered in its acknowledgement when the answer is ready within Slack's time (else
    /// acknowledged "Working on it…" and answered through response_url); a click or an event is acknowledged at once and
    /// then handled. A request delivered again is only acknowledged.
    /// </summary>
    private async Task HandleAsync(JsonObject envelope, SocketModeConnection connection)
    {
        var id = SlackInbound.Text(envelope["envelope_id"])!; // checked by the connection before it handed the envelope on
        var payload = envelope["payload"] as JsonObject;
        var type = SlackInbound.Text(envelope["type"]);
        Interlocked.Increment(ref _inHand);
        try
        {
            if (type == "slash_commands")
            {
                var command = payload is null ? null : SlashCommand.From(name => SlackInbound.Text(payload[name]));
                if (command is null)
                {
                    await connection.AcknowledgeAsync(id);
                    return;
                }
                var key = SlackInbound.ReceiptKey(id, payload);
                var taken = new TakenCommand();
                if (!_commands.FirstSighting(key, taken, clock.GetUtcNow(), out var first))
                {
                    // Delivered again to this Bot: Slack did not see the first acknowledgement.
                    try { await first.Answered.WaitAsync(Budget); }
                    catch (TimeoutException) { }
                    await connection.AcknowledgeAsync(id, first.TryTake(out var answer) ? answer : SlackInbound.WorkingOnIt);
                    return;
                }
                byte[]? acknowledgedWith = null; // the answer an acknowledgement carried, which a delivery again would show Slack never got
                try
                {
                    var answer = await inbound.CommandAsync(command, key);
                    if (answer == SlackInbound.AlreadyAnswered)
                    {
                        await connection.AcknowledgeAsync(id);
                        return;
                    }
                    // The socket went while the command ran: the answer goes to the response_url instead of being lost
                    // (a slow one goes there anyway), and a delivery again gets an empty acknowledgement.
                    if (!await connection.AcknowledgeAsync(id, answer) && answer != SlackInbound.WorkingOnIt)
                        await followUps.PostAsync(command.ResponseUrl, (JsonObject)JsonNode.Parse(answer)!);
                    else if (answer != SlackInbound.WorkingOnIt)
                        acknowledgedWith = answer;
                }
                finally
                {
                    // A delivery again stopped waiting for this answer and said "Working on it…": it goes to the response_url.
                    if (taken.Finish(acknowledgedWith) && acknowledgedWith is not null)
                        await followUps.PostAsync(command.ResponseUrl, (JsonObject)JsonNode.Parse(acknowledgedWith)!);
                }
                return;
            }
            await connection.AcknowledgeAsync(id);
            if (payload is null || !await inbound.TakeOnceAsync(SlackInbound.ReceiptKey(id, payload)))
                return;
            switch (type)
            {
                case "interactive":
                    if (!await inbound.InteractionAsync(payload))
                        log.LogInformation("Ignored an interaction ChaseBot does not read ({Type})", SlackInbound.Text(payload["type"]) ?? "(none)");
                    break;
                case "events_api":
                    await inbound.EventAsync(payload);
                    break;
                default:
                    log.LogInformation("Ignored a Socket Mode envelope of type {Type}", type ?? "(none)");
                    break;
            }
        }
        catch (Exception e)
        {
            log.LogError(e, "A Socket Mode envelope of type {Type} failed", type ?? "(none)");
            // Acknowledged all the same (a second acknowledgement is harmless): a delivery that cannot be handled would
            // fail the same way each time Slack retried it.
            await connection.AcknowledgeAsync(id);
        }
        finally
        {
            Interlocked.Decrement(ref _inHand);
        }
    }

    public override void Dispose()
    {
        _linkDisabled.Dispose();
        base.Dispose();
    }
}
