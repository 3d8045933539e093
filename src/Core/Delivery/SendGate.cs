namespace ChaseBot.Core.Delivery;

/// <summary>What a check just before a send decides.</summary>
public abstract record GateVerdict
{
    public static readonly GateVerdict Send = new SendNow();
    public static readonly GateVerdict Rewritten = new SendAsItNowReads();

    /// <summary>Sent as it is.</summary>
    public sealed record SendNow : GateVerdict;

    /// <summary>Sent, but as its row now reads: the check rewrote it (a proposal's card that says it was withdrawn).</summary>
    public sealed record SendAsItNowReads : GateVerdict;

    /// <summary>Not yet: what it says cannot be checked now. Tried again at <paramref name="Until"/>, never sent unchecked.</summary>
    public sealed record Hold(DateTime Until, string Why) : GateVerdict;

    /// <summary>Never: what it says is no longer true. Kept, with why, and the chat message that announced it says so.</summary>
    public sealed record Withdraw(string Why) : GateVerdict;
}

/// <summary>Checked by the drainer immediately before a message goes to a client (<see cref="Sources.FreshnessGate"/>).</summary>
public interface ISendGate
{
    Task<GateVerdict> CheckAsync(OutboxMessage message, CancellationToken cancellationToken);
}
