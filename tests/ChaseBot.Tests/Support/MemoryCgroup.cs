using System.Diagnostics;
using System.Globalization;

namespace ChaseBot.Tests.Support;

/// <summary>
/// A memory-limited control group for a child process, as a container runtime makes one for a pod: cgroup v2 where the
/// machine has it, else v1's memory controller. Made by the test and removed after it. The process is put in it before
/// it starts (a shell writes its own id to cgroup.procs, then becomes the process), so .NET reads the limit at start-up
/// as it does in a pod, and every page it touches is charged there.
/// </summary>
public sealed class MemoryCgroup : IDisposable
{
    private const string Root = "/sys/fs/cgroup";
    private readonly bool _v2;

    private MemoryCgroup(string path, bool v2) => (Path, _v2) = (path, v2);

    public string Path { get; }

    /// <summary>Null when a memory-limited group can be made here; otherwise why not (the reason a test is skipped for).</summary>
    public static string? WhyNot()
    {
        if (!OperatingSystem.IsLinux())
            return "control groups are Linux's";
        try
        {
            using var probe = Create(64L << 20);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return $"no writable memory control group here (cgroup v2 at {Root} or v1 at {Root}/memory): {e.Message}";
        }
    }

    /// <summary>A new group holding at most <paramref name="limitBytes"/> of memory, with no swap to spill into.</summary>
    public static MemoryCgroup Create(long limitBytes)
    {
        var name = $"chasebot-test-{Guid.NewGuid():N}";
        var limit = limitBytes.ToString(CultureInfo.InvariantCulture);
        if (File.Exists($"{Root}/cgroup.controllers"))
        {
            if (!File.ReadAllText($"{Root}/cgroup.controllers").Split(' ', '\n').Contains("memory"))
                throw new InvalidOperationException("cgroup v2 without the memory controller");
            if (!File.ReadAllText($"{Root}/cgroup.subtree_control").Split(' ', '\n').Contains("memory"))
                File.WriteAllText($"{Root}/cgroup.subtree_control", "+memory");
            var group = new MemoryCgroup(Directory.CreateDirectory($"{Root}/{name}").FullName, v2: true);
            File.WriteAllText($"{group.Path}/memory.max", limit);
            if (File.Exists($"{group.Path}/memory.swap.max"))
                File.WriteAllText($"{group.Path}/memory.swap.max", "0");
            return group;
        }
        if (!Directory.Exists($"{Root}/memory"))
            throw new InvalidOperationException("neither cgroup v2 nor v1's memory controller is mounted");
        var v1 = new MemoryCgroup(Directory.CreateDirectory($"{Root}/memory/{name}").FullName, v2: false);
        File.WriteAllText($"{v1.Path}/memory.limit_in_bytes", limit);
        if (File.Exists($"{v1.Path}/memory.memsw.limit_in_bytes"))
            File.WriteAllText($"{v1.Path}/memory.memsw.limit_in_bytes", limit);
        return v1;
    }

    /// <summary>The command run inside this group: a shell joins it, then replaces itself with the command.</summary>
    public ProcessStartInfo Inside(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("echo $$ > \"$0\" && exec \"$@\"");
        start.ArgumentList.Add($"{Path}/cgroup.procs");
        start.ArgumentList.Add(file);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>The most memory the group has held (the kernel's own count: anonymous, page cache and shared).</summary>
    public long PeakBytes => long.Parse(File.ReadAllText(_v2 ? $"{Path}/memory.peak" : $"{Path}/memory.max_usage_in_bytes").Trim(),
        CultureInfo.InvariantCulture);

    /// <summary>How many processes the kernel killed in this group for going over its limit.</summary>
    public long OomKills
    {
        get
        {
            var file = _v2 ? $"{Path}/memory.events" : $"{Path}/memory.oom_control";
            var line = File.ReadLines(file).Select(l => l.Split(' ')).FirstOrDefault(f => f[0] == "oom_kill");
            // Kernels before 4.13 do not count v1 kills: a limit hit at all (failcnt) is the nearest sign there.
            return line is not null ? long.Parse(line[1], CultureInfo.InvariantCulture)
                : long.Parse(File.ReadAllText($"{Path}/memory.failcnt").Trim(), CultureInfo.InvariantCulture);
        }
    }

    public void Dispose()
    {
        // Anything still inside (a process the test did not stop) is killed, or the group could not be removed.
        foreach (var line in File.Exists($"{Path}/cgroup.procs") ? File.ReadAllLines($"{Path}/cgroup.procs") : [])
            if (int.TryParse(line, out var pid))
                try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        for (var i = 0; i < 50; i++)
        {
            try
            {
                Directory.Delete(Path);
                return;
            }
            catch (IOException) when (i < 49)
            {
                Thread.Sleep(100); // the processes are still leaving
            }
        }
    }
}
