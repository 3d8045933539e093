namespace ChaseBot.Core.Delivery;

/// <summary>
/// The HttpClient of a singleton that keeps it for the life of the process (the platform clients, the signing keys):
/// its own handler whose pooled connections are recycled, so a DNS change is seen, instead of a factory client whose
/// handler rotation a captured instance would defeat.
/// </summary>
public static class LongLivedHttp
{
    public static HttpClient Client(TimeSpan timeout) =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) }) { Timeout = timeout };
}
