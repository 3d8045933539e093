namespace ChaseBot.Tests.Support;

/// <summary>
/// Marks a test class that runs again on a real PostgreSQL (<c>CHASEBOT_TEST_POSTGRES</c>, set by <c>.ci/run</c>): the
/// storage, import, chase and source suites, one suite for both providers. <c>dotnet test --filter Providers=Both</c>.
/// </summary>
public static class BothProviders
{
    public const string Trait = "Providers";
    public const string Value = "Both";
}
