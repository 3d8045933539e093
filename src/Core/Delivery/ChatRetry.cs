using Polly;
using Polly.Retry;

namespace ChaseBot.Core.Delivery;

/// <summary>
/// The short, in-call retry both chat platforms use: connection failures, timeouts and transient answers are retried
/// with exponential backoff and jitter, and a throttling answer waits exactly the Retry-After it names. Longer waits
/// are left to the outbox, which retries over minutes and hours.
/// </summary>
public static class ChatRetry
{
    public static ResiliencePipeline Pipeline(TimeProvider clock, int attempts, TimeSpan delay) =>
        new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = attempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = delay,
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutException>()
                    .Handle<TransientDeliveryException>(e => e.RetryAfter is null || e.RetryAfter <= TimeSpan.FromSeconds(5)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is TransientDeliveryException { RetryAfter: { } after }
                    ? after : (TimeSpan?)null),
            })
            .Build();
}
