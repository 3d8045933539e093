namespace ChaseBot.Worker.CommandLine;

/// <summary>What every verb's exit code means (docs/command-line.md): scripts decide on these three, so there are only three.</summary>
public enum ExitCode
{
    /// <summary>Done (an import with some rejected rows, which are listed, is done).</summary>
    Done = 0,

    /// <summary>Something on our side failed that trying again may cure: the database unreachable, a full disk, books that could not be read.</summary>
    Failed = 1,

    /// <summary>What was asked cannot be done as asked: bad arguments, a file refused whole, no such thing, not the role for it.</summary>
    Refused = 2,
}
