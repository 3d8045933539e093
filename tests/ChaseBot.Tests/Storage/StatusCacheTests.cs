using ChaseBot.Core.Ledger;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Storage;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Storage;

/// <summary>
/// The one cache in front of status: an answer is served again only while nothing was committed, and after a commit
/// the same question is computed once however many ask it at the same time.
/// </summary>
[Collection(nameof(Support.LedgerAlone))]
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class StatusCacheTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly LedgerChanges _changes;

    public StatusCacheTests() => _changes = new LedgerChanges(_db.Factory, TimeProvider.System);

    public void Dispose()
    {
        _changes.Dispose();
        _db.Dispose();
    }

    [Fact]
    public async Task An_answer_is_served_again_until_a_commit_then_computed_once_for_everyone_asking_meanwhile_and_never_older()
    {
        var cache = new StatusCache<string, string>(_changes, TimeProvider.System);
        var computed = 0;
        Task<string> Compute(CancellationToken _) => Task.FromResult($"answer {++computed}");

        Assert.Equal("answer 1", await cache.AnswerAsync("status", Compute, default));
        if (!TestDatabase.OnPostgres) // PostgreSQL's version may move with other tests' writes: only the commit below is certain
            Assert.Equal("answer 1", await cache.AnswerAsync("status", Compute, default));

        await _db.CommitClientAsync("Kauri Digital Ltd");
        var release = new TaskCompletionSource();
        var slow = cache.AnswerAsync("status", async _ => { await release.Task; return $"answer {++computed}"; }, default);
        // While it is recomputed, the same question waits for the new answer (never the one from before the commit);
        // another question is answered on its own meanwhile. (On PostgreSQL the version may move again in between, when
        // the waiting question would rightly compute its own: only the new answer is asserted there.)
        var waiting = cache.AnswerAsync("status", Compute, default);
        Assert.Equal("Kauri's answer", await cache.AnswerAsync("status Kauri", _ => Task.FromResult("Kauri's answer"), default));
        if (!TestDatabase.OnPostgres)
            Assert.False(waiting.IsCompleted);
        release.SetResult();
        Assert.NotEqual("answer 1", await slow);
        Assert.NotEqual("answer 1", await waiting);
        if (TestDatabase.OnPostgres)
            return;
        Assert.Equal("answer 2", await waiting); // the one computation served both
        Assert.Equal("answer 2", await cache.AnswerAsync("status", Compute, default));
        Assert.Equal(2, computed);
    }

    [Fact]
    public async Task Those_waiting_for_a_first_answer_share_one_computation_and_its_failure()
    {
        var cache = new StatusCache<string, string>(_changes, TimeProvider.System);
        var release = new TaskCompletionSource<string>();
        var computations = 0;
        Task<string> Compute(CancellationToken _) { computations++; return release.Task; }

        var first = cache.AnswerAsync("status", Compute, default);
        var second = cache.AnswerAsync("status", Compute, default);
        release.SetException(new InvalidOperationException("database gone"));

        Assert.Equal("database gone", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        Assert.Equal("database gone", (await Assert.ThrowsAsync<InvalidOperationException>(() => second)).Message);
        Assert.Equal(1, computations);
        // A failure is not kept: the next asker computes.
        Assert.Equal("fine", await cache.AnswerAsync("status", _ => Task.FromResult("fine"), default));
    }

    [Fact]
    public async Task An_answer_that_takes_longer_than_the_patience_is_stood_in_for_by_the_one_before_saying_when_it_was_true()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T09:00:00Z"));
        var cache = new StatusCache<string, string>(_changes, clock, saidAsOf: (answer, at) => $"{answer}, as of {at:HH:mm:ss}",
            patience: TimeSpan.FromMilliseconds(100));
        Assert.Equal("before", await cache.AnswerAsync("status", _ => Task.FromResult("before"), default));

        clock.Advance(TimeSpan.FromMinutes(1));
        await _db.CommitClientAsync("Kauri Digital Ltd");
        var release = new TaskCompletionSource();
        var slow = cache.AnswerAsync("status", async _ => { await release.Task; return "after"; }, default);
        if (TestDatabase.OnPostgres)
        {
            release.SetResult(); // PostgreSQL's version may move again in between: only the new answer is certain
            Assert.Equal("after", await slow);
            return;
        }
        var impatient = cache.AnswerAsync("status", _ => Task.FromResult("never computed"), default);
        await Task.Delay(50);
        Assert.False(impatient.IsCompleted); // waits for the new answer first
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal("before, as of 09:00:00", await impatient);

        var patient = cache.AnswerAsync("status", _ => Task.FromResult("never computed"), default);
        release.SetResult();
        Assert.Equal("after", await patient);
        Assert.Equal("after", await slow);
    }

    [Fact]
    public async Task A_view_shown_again_when_ready_gets_the_answer_before_a_commit_at_once_when_the_new_one_is_slow_and_the_new_one_when_read()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T09:00:00Z"));
        var cache = new StatusCache<string, string>(_changes, clock, patience: TimeSpan.FromMilliseconds(100));
        // Nothing before: the first answer is waited for, however long it takes.
        var first = await cache.AnswerOrEarlierAsync("home", _ => Task.FromResult("before"), default);
        Assert.Equal(("before", (DateTimeOffset?)null, (Task<string>?)null), (first.Answer, first.TrueAt, first.Fresh));

        clock.Advance(TimeSpan.FromMinutes(1));
        await _db.CommitClientAsync("Kauri Digital Ltd");
        // A new answer that comes within the patience is the one given.
        var quick = await cache.AnswerOrEarlierAsync("home", _ => Task.FromResult("after the first commit"), default);
        Assert.Equal(("after the first commit", (DateTimeOffset?)null), (quick.Answer, quick.TrueAt));

        clock.Advance(TimeSpan.FromMinutes(1));
        await _db.CommitClientAsync("Rata Studio");
        var release = new TaskCompletionSource();
        var asked = cache.AnswerOrEarlierAsync("home", async _ => { await release.Task; return "after the second commit"; }, default);
        await Task.Delay(50);
        Assert.False(asked.IsCompleted); // waits for the new answer first
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var earlier = await asked;
        Assert.Equal("after the first commit", earlier.Answer);
        Assert.Equal(DateTimeOffset.Parse("2026-11-28T09:01:00Z"), earlier.TrueAt); // when it began to be read
        Assert.NotNull(earlier.Fresh);
        Assert.False(earlier.Fresh.IsCompleted);

        release.SetResult(); // the reading went on after the asker was answered, and is what the next one gets
        Assert.Equal("after the second commit", await earlier.Fresh);
        if (TestDatabase.OnPostgres)
            return; // the version may move with other tests' writes there
        var now = await cache.AnswerOrEarlierAsync("home", _ => Task.FromResult("never computed"), default);
        Assert.Equal(("after the second commit", (DateTimeOffset?)null, (Task<string>?)null), (now.Answer, now.TrueAt, now.Fresh));
    }

    [Fact]
    public async Task A_question_is_computed_once_at_a_time_and_one_asked_after_a_commit_gets_an_answer_read_after_it()
    {
        if (TestDatabase.OnPostgres)
            return; // the version may move with other tests' writes there; the order of computations is what is tested
        var cache = new StatusCache<string, string>(_changes, TimeProvider.System);
        var (running, most, computed) = (0, 0, 0);
        var gates = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        async Task<string> Compute(CancellationToken _)
        {
            var n = Interlocked.Increment(ref computed);
            most = Math.Max(most, Interlocked.Increment(ref running));
            await gates[n - 1].Task;
            Interlocked.Decrement(ref running);
            return $"answer {n}";
        }

        var first = cache.AnswerAsync("status", Compute, default);
        await _db.CommitClientAsync("Kauri Digital Ltd"); // committed while the first is read
        var second = cache.AnswerAsync("status", Compute, default);
        await Task.Delay(50);
        Assert.Equal(1, computed); // not a second computation beside the first
        gates[0].SetResult();
        Assert.Equal("answer 1", await first);
        await Task.Delay(50);
        gates[1].SetResult();
        Assert.Equal("answer 2", await second); // the first read the ledger before the commit: the second reads it again
        Assert.Equal(1, most);
    }
}
