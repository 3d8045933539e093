namespace ChaseBot.Core.Commands;

/// <summary>
/// A person who did something, and the surface they did it from, written one way wherever it is kept (the audit
/// history, who opened a dispute, recorded a promise or decided a proposal): "slack:U0123", "teams:29:1a2b…", "cli:alice". A user id
/// that already carries its platform, as Teams ids do ("teams:29:…", the way roles name Teams users), is not
/// prefixed twice.
/// </summary>
public readonly record struct Actor(string Platform, string UserId)
{
    public override string ToString() =>
        UserId.StartsWith(Platform + ":", StringComparison.Ordinal) ? UserId : $"{Platform}:{UserId}";

    public static implicit operator string(Actor actor) => actor.ToString();

    /// <summary>
    /// The person's id without the surface it was recorded with ("slack:U0123" → "U0123"): what a name is shown for
    /// when none is known. A bare id (rows written before actors carried their platform) is itself.
    /// </summary>
    public static string WithoutPlatform(string recorded) => recorded.IndexOf(':') is var colon and > 0 ? recorded[(colon + 1)..] : recorded;
}
