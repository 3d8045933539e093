namespace ChaseBot.Tests.Support;

/// <summary>
/// A progress reporter that acts at once, on the reporting thread: <see cref="Progress{T}"/> posts to the thread pool
/// and would act after the moment it reports (the memory test samples the heap at the moment a batch is written).
/// </summary>
public sealed class Reported<T>(Action<T> act) : IProgress<T>
{
    public void Report(T value) => act(value);
}
