using System.Collections.Concurrent;
using System.Diagnostics;
using ChaseBot.Core.Telemetry;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Worker;

/// <summary>A span for each import, chase run and delivery drain, as an OTLP collector would receive them.</summary>
public sealed class TracesTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public TracesTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ChaseTraces.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _db.Dispose();
    }

    [Fact]
    public async Task The_main_job_leaves_a_span_per_import_the_chase_run_and_the_drain_with_counts_and_no_names()
    {
        // Other tests run in this process too: this run's spans are the ones in the trace this test starts.
        ActivityTraceId trace;
        using (var root = new Activity("traces test").Start())
        {
            trace = root.TraceId;
            var result = await Cli.RunAsync(Clocks.At("2026-11-23T10:00:00Z"), null, "run-once", "--folder", Samples.Folder, "--db", _db.Path);
            Assert.Equal(0, result.ExitCode);
        }
        var spans = _spans.Where(s => s.TraceId == trace).ToList();

        var run = Assert.Single(spans, s => s.OperationName == "chase run");
        Assert.Equal("2026-11-23", run.GetTagItem("chasebot.day"));
        Assert.True((int)run.GetTagItem("chasebot.reminders")! > 0 && (int)run.GetTagItem("chasebot.proposals")! > 0);
        var imports = spans.Where(s => s.OperationName == "import file").ToList();
        Assert.Equal(Directory.GetFiles(Samples.Folder, "*.csv").Length, imports.Count); // one per export in the folder
        Assert.All(imports, s => Assert.Equal("imported", s.GetTagItem("chasebot.outcome")));
        Assert.Contains(spans, s => s.OperationName == "outbox drain" && (int?)s.GetTagItem("chasebot.delivered") > 0);
        Assert.DoesNotContain(spans.SelectMany(s => s.Tags), t => t.Value?.Contains("Kauri", StringComparison.Ordinal) == true);
    }
}
