using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChaseBot.Bot.Slack.SocketMode;

/// <summary>
/// One Socket Mode WebSocket: reads Slack's frames (hello, disconnect, envelopes) and sends acknowledgements. Envelopes
/// are handed on as they arrive, each on its own task, so a slow command never holds up the next frame.
/// </summary>
public sealed class SocketModeConnection : IAsyncDisposable
{
    /// <summary>Far above any envelope Slack sends (a slash command or a block_actions payload is a few KB).</summary>
    public const int MaxFrameBytes = 1024 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly TaskCompletionSource<string?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private readonly ILogger _log;

    /// <summary>Envelopes this connection has handed on and that are not yet handled (their answers go back on it).</summary>
    private readonly ConcurrentDictionary<Task, byte> _handling = new();

    private SocketModeConnection(ClientWebSocket socket, Func<JsonObject, SocketModeConnection, Task> onEnvelope, ILogger log, string name)
    {
        _socket = socket;
        _log = log;
        Name = name;
        _reading = Task.Run(() => ReadAsync(onEnvelope));
    }

    /// <summary>For the logs: which connection of which slot.</summary>
    public string Name { get; }

    /// <summary>
    /// Completes when Slack says it will close this connection (the disconnect frame's reason: "warning",
    /// "refresh_requested", "link_disabled"), or with null when the socket closed or dropped without saying so.
    /// </summary>
    public Task<string?> Ended => _ended.Task;

    /// <summary>Completes when Slack's hello has arrived: the connection is ready to receive envelopes.</summary>
    public Task Hello => _hello.Task;

    /// <param name="ping">How often to ping, and how long to wait for the pong before the connection counts as dead.</param>
    public static async Task<SocketModeConnection> ConnectAsync(Uri url, Func<JsonObject, SocketModeConnection, Task> onEnvelope,
        TimeSpan ping, ILogger log, string name, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        // .NET answers Slack's pings itself; these pings of ours notice a connection that died without closing.
        socket.Options.KeepAliveInterval = ping;
        socket.Options.KeepAliveTimeout = ping;
        try
        {
            await socket.ConnectAsync(url, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new SocketModeConnection(socket, onEnvelope, log, name);
    }

    /// <summary>Acknowledges an envelope, with the answer Slack shows when it accepts one. False when the socket is gone.</summary>
    public async Task<bool> AcknowledgeAsync(string envelopeId, byte[]? payload = null)
    {
        using var frame = new MemoryStream();
        await using (var json = new Utf8JsonWriter(frame))
        {
            json.WriteStartObject();
            json.WriteString("envelope_id", envelopeId);
            if (payload is not null)
            {
                json.WritePropertyName("payload");
                json.WriteRawValue(payload, skipInputValidation: true);
            }
            json.WriteEndObject();
        }
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(frame.GetBuffer().AsMemory(0, (int)frame.Length), WebSocketMessageType.Text, true, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            _log.LogInformation("Could not acknowledge envelope {Envelope} on {Connection}: {Error}", envelopeId, Name, e.Message);
            return false;
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Waits for Slack to close this connection (after a disconnect it may still deliver), at most <paramref name="grace"/>, then closes it.</summary>
    public async Task DrainAsync(TimeSpan grace)
    {
        await Task.WhenAny(_reading, Task.Delay(grace));
        await FinishHandlingAsync(grace);
        await DisposeAsync();
    }

    /// <summary>Waits, at most <paramref name="grace"/>, for the envelopes read on this connection to be handled and answered.</summary>
    public async Task FinishHandlingAsync(TimeSpan grace) =>
        await Task.WhenAll(_handling.Keys).WaitAsync(grace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    private async Task ReadAsync(Func<JsonObject, SocketModeConnection, Task> onEnvelope)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                    break;
                message.Write(buffer, 0, received.Count);
                if (message.Length > MaxFrameBytes)
                {
                    _log.LogWarning("Closing {Connection}: a frame over {Limit} bytes", Name, MaxFrameBytes);
                    break;
                }
                if (!received.EndOfMessage)
                    continue;
                var text = message.GetBuffer().AsMemory(0, (int)message.Length);
                message.SetLength(0);
                if (received.MessageType == WebSocketMessageType.Text)
                    Dispatch(text.Span, onEnvelope);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            _log.LogInformation("Socket Mode connection {Connection} dropped: {Error}", Name, e.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _ended.TrySetResult(null);
            _hello.TrySetException(new WebSocketException("closed before Slack's hello"));
        }
    }

    private void Dispatch(ReadOnlySpan<byte> text, Func<JsonObject, SocketModeConnection, Task> onEnvelope)
    {
        JsonObject frame;
        try
        {
            frame = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            _log.LogWarning("Ignored a Socket Mode frame that is not JSON ({Error}): {Start}", e.Message, Encoding.UTF8.GetString(text[..Math.Min(80, text.Length)]));
            return;
        }
        switch (SlackInbound.Text(frame["type"]))
        {
            case "hello":
                _log.LogInformation("Socket Mode connection {Connection} is open ({Connections} for the app)", Name,
                    frame["num_connections"]?.ToJsonString() ?? "?");
                _hello.TrySetResult();
                return;
            case "disconnect":
                var reason = SlackInbound.Text(frame["reason"]) ?? "unknown";
                _log.LogInformation("Slack will close Socket Mode connection {Connection} ({Reason})", Name, reason);
                _ended.TrySetResult(reason);
                return;
        }
        // Off the reading loop: handling may wait (SQLite waits for another writer's lock synchronously), and the loop
        // must go on reading, or pings would go unanswered and the next envelope would wait behind this one.
        if (SlackInbound.Text(frame["envelope_id"]) is { Length: > 0 })
        {
            // Counted as in hand from the moment it is read, so a connection closing waits for it (FinishHandlingAsync).
            var handling = Task.Run(() => onEnvelope(frame, this));
            _handling.TryAdd(handling, 0);
            _ = handling.ContinueWith(done => _handling.TryRemove(done, out _), TaskScheduler.Default);
        }
        else
            _log.LogDebug("Ignored a Socket Mode frame of type {Type}", SlackInbound.Text(frame["type"]) ?? "(none)");
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
            }
        }
        _socket.Abort();
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
    }
}
