using ChaseBot.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Tests.Worker;

/// <summary>The Worker's own settings are read as one section and refused at start with the key named, never guessed.</summary>
public sealed class WorkerOptionsTests
{
    private static Exception? Start(Dictionary<string, string?> settings) =>
        Record.Exception(() => new ServiceCollection().AddChaseSchedule(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));

    [Fact]
    public void Durations_that_are_not_positive_and_schedules_that_are_not_cron_are_refused_each_by_its_key()
    {
        var refused = Start(new()
        {
            ["Worker:ShutdownTimeout"] = "00:00:00", ["Worker:ClusterFailoverAfter"] = "-00:00:05",
            ["Delivery:Schedule"] = "every minute", ["Chase:Schedule"] = "0 0 8 ? * MON-FRI",
        });

        var message = Assert.IsType<InvalidOperationException>(refused).Message;
        Assert.Contains("Worker:ShutdownTimeout must be a positive duration", message);
        Assert.Contains("Worker:ClusterFailoverAfter must be a positive duration", message);
        Assert.Contains("Delivery:Schedule 'every minute' is not a Quartz cron expression", message);
        Assert.DoesNotContain("Chase:Schedule", message);
    }

    [Fact]
    public void A_duration_that_does_not_read_as_one_names_its_key()
    {
        var refused = Start(new() { ["Worker:ClusterCheckinInterval"] = "soon" });

        Assert.Contains("Worker:ClusterCheckinInterval", Assert.IsType<InvalidOperationException>(refused).Message);
    }

    [Fact]
    public void Nothing_configured_starts_with_the_documented_defaults()
    {
        Assert.Null(Start(new()));
        var defaults = new WorkerOptions();
        Assert.Equal((TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(7.5), TimeSpan.FromSeconds(20), "http://127.0.0.1:8081"),
            (defaults.ShutdownTimeout, defaults.ClusterCheckinInterval, defaults.ClusterFailoverAfter, defaults.HealthUrls));
    }
}
