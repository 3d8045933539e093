using System.Globalization;

namespace ChaseBot.Tests.Support;

/// <summary>A clock the test sets and moves.</summary>
public sealed class FakeClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public static FakeClock At(string isoInstant) => new(DateTimeOffset.Parse(isoInstant, CultureInfo.InvariantCulture));

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
