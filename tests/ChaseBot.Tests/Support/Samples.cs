namespace ChaseBot.Tests.Support;

/// <summary>Where the repository's sample exports and the test fixtures are.</summary>
public static class Samples
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Folder => Path.Combine(RepositoryRoot, "samples", "exports");

    public static string File(string name) => Path.Combine(Folder, name);

    public static string Fixture(string name) => Path.Combine(RepositoryRoot, "tests", "ChaseBot.Tests", "Fixtures", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "ChaseBot.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (ChaseBot.sln) above " + AppContext.BaseDirectory);
    }
}
