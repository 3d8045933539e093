namespace ChaseBot.Bot.Slack.SocketMode;

/// <summary>
/// A command this Bot took, and how its answer reaches Slack. A delivery again proves Slack never saw the first
/// acknowledgement: if the first is answered by then, the answer goes again in the new acknowledgement; if not, the
/// new one says "Working on it…" and the first, once answered, posts its answer to the response_url. Either way once.
/// </summary>
internal sealed class TakenCommand
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<byte[]?> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _handedOver;

    public Task<byte[]?> Answered => _answered.Task;

    /// <summary>
    /// The first delivery is done: <paramref name="acknowledged"/> is the answer its acknowledgement carried (null
    /// when there was none to carry, or it went to the response_url). True when a delivery again has stopped
    /// waiting for it, so that answer must now go to the response_url.
    /// </summary>
    public bool Finish(byte[]? acknowledged)
    {
        lock (_gate)
        {
            _answered.TrySetResult(acknowledged);
            return _handedOver;
        }
    }

    /// <summary>For a delivery again that waited its time: the answer to acknowledge with, or false while the first still runs.</summary>
    public bool TryTake(out byte[]? answer)
    {
        lock (_gate)
        {
            answer = _answered.Task.IsCompletedSuccessfully ? _answered.Task.Result : null;
            _handedOver |= !_answered.Task.IsCompleted;
            return _answered.Task.IsCompleted;
        }
    }
}
