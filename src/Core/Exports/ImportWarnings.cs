namespace ChaseBot.Core.Exports;

/// <summary>
/// Warnings for one import, capped per kind: a 300,000-row file with an unknown status on every row
/// says so ten times and then how many more, instead of 300,000 times. Safe to add to from the reading and the
/// writing halves of an import at once.
/// </summary>
public sealed class ImportWarnings
{
    private const int PerKind = 10;
    private readonly List<string> _messages = [];
    private readonly Dictionary<string, int> _countByKind = [];
    private readonly HashSet<string> _seen = [];

    private readonly Lock _gate = new();

    public void Add(string kind, string message)
    {
        lock (_gate)
            AddUnderLock(kind, message);
    }

    private void AddUnderLock(string kind, string message)
    {
        if (!_seen.Add(message))
            return;
        var count = _countByKind.GetValueOrDefault(kind) + 1;
        _countByKind[kind] = count;
        if (count <= PerKind)
            _messages.Add(message);
        if (_seen.Count > 10_000)
            _seen.Clear(); // Bounded memory; a repeat after this only costs a count.
    }

    public IReadOnlyList<string> ToList()
    {
        lock (_gate)
            return [.. _messages, .. _countByKind.Where(k => k.Value > PerKind).Select(k => $"… and {k.Value - PerKind} more warnings like these ({k.Key})")];
    }
}
