namespace ChaseBot.Core.Commands;

/// <summary>
/// A person who did something, and the surface they did it from, written one way wherever it is kept (the audit
/// history, who opened a dispute or recorded a promise): "slack:U0123", "teams:29:1a2b…", "cli:alice". A user id
/// that already carries its platform, as Teams ids do ("teams:29:…", the way roles name Teams users), is not
/// prefixed twice.
/// </summary>
public readonly record struct Actor(string Platform, string UserId)
{
    public override string ToString() =>
        UserId.StartsWith(Platform + ":", StringComparison.Ordinal) ? UserId : $"{Platform}:{UserId}";

    public static implicit operator string(Actor actor) => actor.ToString();
}
