using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace ChaseBot.Core.Storage;

/// <summary>
/// Makes EF Core 10's SQLite provider run on SQLitePCLRaw 2.0.6.
///
/// Microsoft.Data.Sqlite 10 is compiled against SQLitePCLRaw 2.1.x, but the package registry we build
/// from only serves 2.0.6 (see shared/design/environment.md). The csproj references 2.0.6 directly
/// (NU1605 suppressed there), and this resolver answers the runtime's request for any SQLitePCLRaw
/// assembly with the 2.0.6 one that ships beside us. Every API the provider uses exists in 2.0.6
/// except SqliteConnection.LoadExtension, which ChaseBot does not call.
///
/// Delete this file, the NoWarn and the two direct package references on the day 2.1.x is served.
/// The whole test suite runs on SQLite, so it covers this binding.
/// </summary>
internal static class SqlitePclRawBinding
{
#pragma warning disable CA2255 // A module initializer is the one place that runs before any SQLite type is touched.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install() => AssemblyLoadContext.Default.Resolving += ResolveToShippedVersion;

    private static Assembly? ResolveToShippedVersion(AssemblyLoadContext context, AssemblyName requested)
    {
        if (requested.Name is not { } name || !name.StartsWith("SQLitePCLRaw.", StringComparison.Ordinal))
            return null;
        if (requested.Version is null)
            return null; // Nothing to relax: a versionless request that failed will fail again.
        return context.LoadFromAssemblyName(new AssemblyName(name));
    }
}
