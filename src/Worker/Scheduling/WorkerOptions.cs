using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ChaseBot.Worker.Scheduling;

/// <summary>Section "Worker": the service's probes, its share of a cluster and how long it gives running jobs at shutdown.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Where /healthz and /readyz answer (the chart's probes); several separated by ';'.</summary>
    public string HealthUrls { get; set; } = "http://127.0.0.1:8081";
    /// <summary>How often a clustered Worker checks in (PostgreSQL).</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);
    /// <summary>How long without a check-in before the other Workers take a Worker's triggers over.</summary>
    public TimeSpan ClusterFailoverAfter { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>How long SIGTERM waits for running jobs (the chart gives the pod 15 s more before it kills it).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>The section as configured; a value that is not a duration throws with the key's name.</summary>
    public static WorkerOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<WorkerOptions>() ?? new WorkerOptions();
}

public sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions o)
    {
        var failures = new List<string>();
        foreach (var (key, value) in new[] { ("ClusterCheckinInterval", o.ClusterCheckinInterval), ("ClusterFailoverAfter", o.ClusterFailoverAfter),
                     ("ShutdownTimeout", o.ShutdownTimeout) })
            if (value <= TimeSpan.Zero)
                failures.Add($"Worker:{key} must be a positive duration (e.g. \"00:00:20\")");
        if (string.IsNullOrWhiteSpace(o.HealthUrls))
            failures.Add("Worker:HealthUrls must name at least one URL");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
