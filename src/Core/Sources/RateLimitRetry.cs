using System.Net;

namespace ChaseBot.Core.Sources;

/// <summary>
/// Under a source's client: a 429 (too many requests) is waited out and the request sent again, honouring
/// <c>Retry-After</c> when the API gives it (Xero does; Stripe asks clients to back off on their own), else 1, 2, 4
/// seconds. ChaseBot only reads from the books, so sending a request again is always safe. After the last try the
/// 429 goes up to the caller, which says so and tries at the next sync.
/// </summary>
/// <param name="clock">Reads a <c>Retry-After</c> given as a date against the time ChaseBot keeps.</param>
public sealed class RateLimitRetry(TimeProvider clock, int tries = 4, TimeSpan? longestWait = null) : DelegatingHandler
{
    private readonly TimeSpan _longestWait = longestWait ?? TimeSpan.FromSeconds(60);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= tries || request.Method != HttpMethod.Get)
                return response;
            var wait = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - clock.GetUtcNow(),
                _ => TimeSpan.FromSeconds(Math.Pow(2, attempt - 1)),
            };
            if (wait > _longestWait)
                return response; // longer than a sync should stand waiting: the next one comes soon enough
            response.Dispose();
            await Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, cancellationToken);
        }
    }
}
