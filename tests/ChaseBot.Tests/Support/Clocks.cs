using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace ChaseBot.Tests.Support;

/// <summary>The tests' clock: the library's <see cref="FakeTimeProvider"/>, set to a written instant.</summary>
public static class Clocks
{
    public static FakeTimeProvider At(string isoInstant) => At(DateTimeOffset.Parse(isoInstant, CultureInfo.InvariantCulture));

    public static FakeTimeProvider At(DateTimeOffset instant) => new(instant);
}
