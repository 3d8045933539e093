using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ChaseBot.Tests.Support;

/// <summary>An acknowledgement the Bot sent: which envelope, on which connection, with what answer (null: none).</summary>
public sealed record SocketAck(string EnvelopeId, int Connection, JsonObject? Payload);

/// <summary>One Socket Mode connection the Bot opened to the fake.</summary>
public sealed class FakeSocket(int id, WebSocket socket, HttpContext context)
{
    public int Id { get; } = id;
    internal WebSocket Socket { get; } = socket;
    internal HttpContext Context { get; } = context;
    internal SemaphoreSlim Sending { get; } = new(1, 1);
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Slack's Socket Mode, faked on the same Kestrel server: apps.connections.open checks the app-level token and hands out
/// a single-use ws:// URL; each connection gets Slack's hello, and the test sends envelopes, a disconnect or a dropped
/// socket, and reads the acknowledgements that came back.
/// </summary>
public sealed partial class FakeSlack
{
    public const string AppToken = "xapp-1-A111-test-app-token";
    private int _tickets;
    private readonly ConcurrentDictionary<int, bool> _ticketsUsed = new();

    /// <summary>Every connection opened, in order (closed ones stay, with Closed completed).</summary>
    public ConcurrentQueue<FakeSocket> Sockets { get; } = new();

    public ConcurrentQueue<SocketAck> Acks { get; } = new();

    /// <summary>
    /// When set, the next connection gets its hello and then silence: nothing is read from it, so no ping is answered,
    /// though TCP still holds it open (a connection dead without closing, behind a proxy or a NAT that forgot it).
    /// </summary>
    public bool SilenceNext { get => _silenceNext == 1; set => _silenceNext = value ? 1 : 0; }
    private int _silenceNext;

    /// <summary>While set, every new connection is dropped a moment (0.1 s) after its hello.</summary>
    public bool DropAfterHello { get; set; }

    /// <summary>When set, apps.connections.open answers this error (ok:false) instead of a URL.</summary>
    public string? RefuseConnections { get; set; }

    private IResult OpenConnection(HttpContext context)
    {
        if (context.Request.Headers.Authorization != $"Bearer {AppToken}")
            return Results.Json(new { ok = false, error = "invalid_auth" });
        if (RefuseConnections is { } error)
            return Results.Json(new { ok = false, error });
        var ticket = Interlocked.Increment(ref _tickets);
        return Results.Json(new { ok = true, url = BaseUrl.Replace("http://", "ws://") + $"/socket/{ticket}" });
    }

    private async Task SocketAsync(HttpContext context, int ticket)
    {
        if (!context.WebSockets.IsWebSocketRequest || ticket > _tickets || !_ticketsUsed.TryAdd(ticket, true))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized; // a URL is good for one connection only
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new FakeSocket(ticket, socket, context);
        var silent = Interlocked.Exchange(ref _silenceNext, 0) == 1;
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            await SendAsync(connection, new JsonObject
            {
                ["type"] = "hello", ["num_connections"] = Sockets.Count(s => !s.Closed.Task.IsCompleted) + 1,
                ["connection_info"] = new JsonObject { ["app_id"] = "A111" },
                ["debug_info"] = new JsonObject { ["host"] = "fake-slack", ["approximate_connection_time"] = 18060 },
            });
            // Seen in Sockets only once its hello is out and its silence decided: a test that waits for the open connections
            // and then sends an envelope, or sets SilenceNext for the next one, acts on connections that are ready.
            Sockets.Enqueue(connection);
            if (DropAfterHello)
                _ = Task.Delay(100).ContinueWith(_ => context.Abort(), TaskScheduler.Default); // once the hello has arrived
            if (silent)
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    break;
                }
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                    continue;
                var ack = JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray())) as JsonObject;
                message.SetLength(0);
                if (ack?["envelope_id"]?.GetValue<string>() is { } envelope)
                    Acks.Enqueue(new SocketAck(envelope, ticket, ack["payload"] as JsonObject));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            connection.Closed.TrySetResult();
        }
    }

    /// <summary>
    /// A slash_commands envelope as Slack sends it: the fields the HTTP endpoint receives, as JSON, with a response_url
    /// on this fake ("commands/{envelope id}").
    /// </summary>
    public JsonObject CommandEnvelope(string envelopeId, string text, string user = "U1", int retry = 0) => new()
    {
        ["envelope_id"] = envelopeId,
        ["type"] = "slash_commands",
        ["accepts_response_payload"] = true,
        ["retry_attempt"] = retry,
        ["retry_reason"] = retry == 0 ? "" : "timeout",
        ["payload"] = new JsonObject
        {
            ["token"] = "deprecated-verification-token", ["team_id"] = "T1", ["team_domain"] = "acme", ["channel_id"] = "C1",
            ["channel_name"] = "billing", ["user_id"] = user, ["user_name"] = "dana", ["command"] = "/chase", ["text"] = text,
            ["api_app_id"] = "A111", ["is_enterprise_install"] = "false",
            ["response_url"] = HooksUrl + "commands/" + envelopeId, ["trigger_id"] = "1.2.3",
        },
    };

    public Task SendAsync(FakeSocket connection, JsonObject frame) => SendRawAsync(connection, frame.ToJsonString());

    /// <summary>Any text frame, well-formed or not.</summary>
    public async Task SendRawAsync(FakeSocket connection, string text)
    {
        await connection.Sending.WaitAsync();
        try
        {
            await connection.Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            connection.Sending.Release();
        }
    }

    /// <summary>What Slack does every few hours: says it will close, then closes <paramref name="after"/> later.</summary>
    public async Task DisconnectAsync(FakeSocket connection, string reason, TimeSpan after)
    {
        await SendAsync(connection, new JsonObject { ["type"] = "disconnect", ["reason"] = reason, ["debug_info"] = new JsonObject { ["host"] = "fake-slack" } });
        _ = Task.Delay(after).ContinueWith(async _ =>
        {
            try { await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, CancellationToken.None); }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException) { }
        });
    }

    /// <summary>The network drops the connection: no close frame, no notice.</summary>
    public static void Drop(FakeSocket connection) => connection.Context.Abort();

    /// <summary>Waits (bounded) until at least <paramref name="count"/> connections are open; returns the open ones, oldest first.</summary>
    public async Task<List<FakeSocket>> WaitForOpenSocketsAsync(int count, int? opened = null)
    {
        for (var i = 0; i < 400; i++)
        {
            var open = Sockets.Where(s => !s.Closed.Task.IsCompleted).ToList();
            if (open.Count >= count && Sockets.Count >= (opened ?? 0))
                return open;
            await Task.Delay(25);
        }
        throw new TimeoutException($"{Sockets.Count(s => !s.Closed.Task.IsCompleted)} Socket Mode connections open, {Sockets.Count} opened; waited for {count}");
    }

    /// <summary>Waits (bounded) for the <paramref name="count"/>th acknowledgement of an envelope.</summary>
    public async Task<SocketAck> WaitForAckAsync(string envelopeId, int count = 1)
    {
        for (var i = 0; i < 400; i++)
        {
            var acks = Acks.Where(a => a.EnvelopeId == envelopeId).ToList();
            if (acks.Count >= count)
                return acks[count - 1];
            await Task.Delay(25);
        }
        throw new TimeoutException($"envelope {envelopeId} was acknowledged {Acks.Count(a => a.EnvelopeId == envelopeId)} times; waited for {count}");
    }
}
