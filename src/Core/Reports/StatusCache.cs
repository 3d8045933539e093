using System.Collections.Concurrent;
using ChaseBot.Core.Storage;

namespace ChaseBot.Core.Reports;

/// <summary>
/// The one cache in front of status. A status is a function of the ledger and the day, so while nothing has been
/// committed since an answer was computed (<see cref="LedgerChanges"/>) the same answer is given again: on 100,000
/// invoices under load that is most of what the Bot serves. When the ledger moves, one request per question and
/// version computes; others asking the same question of the same version wait for that answer rather than piling the
/// same scan onto the database. Nobody is given an answer older than the commits made before they asked without
/// being told (docs/guarantees.md, 8): when the new answer takes longer than <paramref name="patience"/> (the whole
/// ledger's summary, while an import commits again and again), the one before is given, saying when it was true.
/// </summary>
/// <param name="saidAsOf">An answer from before, made to say the moment it was true at.</param>
/// <param name="capacity">Answers kept (one per question asked: a filter and a day); all are dropped when it is reached.</param>
/// <param name="keep">Whether an answer may be given again while the ledger is unchanged: not one that is already older
/// than the version it was computed for (it says so, and asking again should find the latest).</param>
public sealed class StatusCache<TQuestion, TAnswer>(LedgerChanges? changes, TimeProvider clock,
    Func<TAnswer, DateTimeOffset, TAnswer>? saidAsOf = null, TimeSpan? patience = null, int capacity = 1000,
    Func<TAnswer, bool>? keep = null) where TQuestion : notnull
{
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromMilliseconds(20);

    private readonly TimeSpan _patience = patience ?? DefaultPatience;
    private readonly ConcurrentDictionary<TQuestion, (long Version, TAnswer Answer, DateTimeOffset At)> _kept = new();
    /// <summary>The one computation of each question running now, and the version it reads.</summary>
    private readonly ConcurrentDictionary<TQuestion, (Task<TAnswer> Answer, long Version)> _computing = new();

    public Task<TAnswer> AnswerAsync(TQuestion question, Func<CancellationToken, Task<TAnswer>> compute, CancellationToken cancellationToken) =>
        AnswerAsync(question, (_, token) => compute(token), cancellationToken);

    /// <param name="compute">Given the ledger version the answer is for (null when the database cannot say).</param>
    public async Task<TAnswer> AnswerAsync(TQuestion question, Func<long?, CancellationToken, Task<TAnswer>> compute, CancellationToken cancellationToken)
    {
        // Read before computing: a commit made while the answer is computed moves the version past it.
        if (changes?.Version() is not { } version)
            return await compute(null, cancellationToken); // the database cannot say whether it changed
        while (true)
        {
            var found = _kept.TryGetValue(question, out var kept);
            if (found && kept.Version >= version)
                return kept.Answer;
            // One computation of a question at a time, whatever version it reads: when commits follow each other
            // (an import commits several times), computations of the whole ledger would otherwise pile up on the CPU.
            var mine = new TaskCompletionSource<TAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
            var running = _computing.GetOrAdd(question, (mine.Task, version));
            if (running.Answer == mine.Task)
                return await ComputeAsync(question, version, compute, mine, cancellationToken);
            if (saidAsOf is not null && found)
            {
                using var waited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (await Task.WhenAny(running.Answer, Task.Delay(_patience, clock, waited.Token)) != running.Answer)
                    return saidAsOf(kept.Answer, kept.At);
                await waited.CancelAsync();
            }
            var answer = await running.Answer.WaitAsync(cancellationToken);
            if (running.Version >= version)
                return answer;
            // That one read the ledger before this question's commit: look again, and compute if nobody is.
        }
    }

    /// <summary>
    /// For a view that can be shown again when its answer is ready (the Home tab): the answer for the ledger as it is now
    /// if it comes within the patience; otherwise the one before, when it was true, and the new one still being computed
    /// (on its own, so the asker leaving does not stop it: the next asker wants it). With no answer before, the new one is
    /// waited for; with no patience, never.
    /// </summary>
    public async Task<Earlier<TAnswer>> AnswerOrEarlierAsync(TQuestion question, Func<CancellationToken, Task<TAnswer>> compute,
        CancellationToken cancellationToken)
    {
        if (changes?.Version() is not { } version || !_kept.TryGetValue(question, out var kept))
            return new(await AnswerAsync(question, compute, cancellationToken), null, null);
        if (kept.Version >= version)
            return new(kept.Answer, null, null);
        var fresh = Task.Run(() => AnswerAsync(question, (_, token) => compute(token), CancellationToken.None), CancellationToken.None);
        using var waited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_patience > TimeSpan.Zero && await Task.WhenAny(fresh, Task.Delay(_patience, clock, waited.Token)) == fresh)
        {
            await waited.CancelAsync();
            return new(await fresh, null, null);
        }
        cancellationToken.ThrowIfCancellationRequested();
        _ = fresh.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted); // observed: the next asker sees a failure itself
        return new(kept.Answer, kept.At, fresh);
    }

    private async Task<TAnswer> ComputeAsync(TQuestion question, long version, Func<long?, CancellationToken, Task<TAnswer>> compute,
        TaskCompletionSource<TAnswer> mine, CancellationToken cancellationToken)
    {
        try
        {
            var computedAt = clock.GetUtcNow(); // the answer is true as of when it began to be read
            var answer = await compute(version, cancellationToken);
            if (keep?.Invoke(answer) ?? true)
            {
                if (_kept.Count >= capacity)
                    _kept.Clear();
                // Versions only grow: an answer computed for an older one (its asker was slow) does not replace a newer.
                _kept.AddOrUpdate(question, (version, answer, computedAt), (_, held) => held.Version > version ? held : (version, answer, computedAt));
            }
            mine.SetResult(answer);
            return answer;
        }
        catch (Exception e)
        {
            mine.SetException(e);
            _ = mine.Task.Exception; // observed here: those waiting on it see it themselves
            throw;
        }
        finally
        {
            _computing.TryRemove(KeyValuePair.Create(question, (mine.Task, version)));
        }
    }
}

/// <param name="TrueAt">When <paramref name="Answer"/> was true, if it is from before the latest commit; null if it is current.</param>
/// <param name="Fresh">The current answer, still being computed, when <paramref name="Answer"/> is from before.</param>
public sealed record Earlier<TAnswer>(TAnswer Answer, DateTimeOffset? TrueAt, Task<TAnswer>? Fresh);
