using ChaseBot.Core;
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

        var message = Assert.IsType<Core.SettingsException>(refused).Message;
        Assert.Contains("Worker:ShutdownTimeout must be a positive duration", message);
        Assert.Contains("Worker:ClusterFailoverAfter must be a positive duration", message);
        Assert.Contains("Delivery:Schedule 'every minute' is not a Quartz cron expression", message);
        Assert.DoesNotContain("Chase:Schedule", message);
    }

    [Theory]
    [InlineData("00:15:00", "0 0/15 * * * ?")]
    [InlineData("00:05:00", "0 0/5 * * * ?")]
    [InlineData("02:00:00", "0 0 0/2 * * ?")]
    [InlineData("00:07:00", null)] // seven minutes do not divide an hour: the syncs would drift against the clock
    [InlineData("00:00:30", null)]
    [InlineData("05:00:00", null)]
    public void The_books_are_synced_on_a_schedule_that_divides_the_hour_or_the_day(string every, string? cron)
    {
        Assert.Equal(cron, SyncJob.Cron(TimeSpan.Parse(every, System.Globalization.CultureInfo.InvariantCulture)));
        var refused = Start(new() { ["Sources:SyncEvery"] = every });
        if (cron is null)
            Assert.Contains($"Sources:SyncEvery '{every}' must be whole minutes that divide an hour", Assert.IsType<Core.SettingsException>(refused).Message);
        else
            Assert.Null(refused);
    }

    [Fact]
    public void A_duration_that_does_not_read_as_one_names_its_key()
    {
        var refused = Start(new() { ["Worker:ClusterCheckinInterval"] = "soon" });

        Assert.Contains("Worker:ClusterCheckinInterval", Core.SettingsException.Explains(refused!));
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

/// <summary>Every section the hosts bind is checked when it is first read (at start, with ValidateOnStart), and says its key.</summary>
public sealed class CoreOptionsTests
{
    private static string? Problem<T>(Dictionary<string, string?> settings) where T : class
    {
        var services = new ServiceCollection().AddLogging();
        services.AddChaseCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        using var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<T>>().Value;
            return null;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            return e.Message;
        }
    }

    [Fact]
    public void A_digest_channel_or_a_chat_role_entry_left_empty_is_refused()
    {
        Assert.Contains("Digest:Channels has an empty entry",
            Problem<Core.Digests.DigestOptions>(new() { ["Digest:Channels:0"] = "C0AR", ["Digest:Channels:1"] = " " }));
        Assert.Contains("Chat:Viewers and Chat:Collectors must not have empty entries",
            Problem<Core.Commands.ChatOptions>(new() { ["Chat:Collectors:0"] = "" }));
        Assert.Null(Problem<Core.Commands.ChatOptions>(new() { ["Chat:Collectors:0"] = "U0ANA" }));
    }
}
