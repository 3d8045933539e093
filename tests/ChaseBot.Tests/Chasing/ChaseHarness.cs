using Microsoft.Extensions.Time.Testing;
using ChaseBot.Core;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Morale;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChaseBot.Tests.Chasing;

/// <summary>A chat platform that records what it is sent: the one true boundary faked in these tests.</summary>
public sealed class RecordingPlatform : IChatPlatform
{
    public List<(OutboxMessage Message, ChatMessage Content)> Sent { get; } = [];
    public Func<OutboxMessage, Exception?> Fail { get; set; } = _ => null;
    public string Name => "recording";

    public Task<Delivered> SendAsync(OutboxMessage message, ChatMessage content, CancellationToken cancellationToken)
    {
        if (Fail(message) is { } failure)
            throw failure;
        lock (Sent)
            Sent.Add((message, content));
        return Task.FromResult(new Delivered($"rec-{message.Id}"));
    }
}

/// <summary>
/// The chase engine on a real database (SQLite, or PostgreSQL in the two-provider run) with a fake clock, wired by the
/// hosts' own registration (AddChaseCore): only the clock, the chat platform and the test's database are put in its place.
/// </summary>
public sealed class ChaseHarness : IDisposable
{
    private readonly ServiceProvider _services;

    /// <param name="configuration">Settings as a host reads them (Email:*, Slack:*, Payment:*).</param>
    /// <param name="realPlatforms">Deliver through the hosts' own router (Slack, email) as configured, not <see cref="Platform"/>.</param>
    /// <param name="register">More registrations, as a host would add them (another chat platform).</param>
    public ChaseHarness(string now = "2026-11-23T10:00:00Z", string timeZone = "UTC", Action<ChaseOptions>? configure = null,
        IReadOnlyDictionary<string, string?>? configuration = null, bool realPlatforms = false, Action<IServiceCollection>? register = null)
    {
        Clock = Clocks.At(now);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddChaseCore(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build());
        services.PostConfigure<ChaseOptions>(o =>
        {
            (o.TimeZone, o.Approvers) = (timeZone, ["alice"]);
            configure?.Invoke(o);
        });
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(Db.Factory);
        if (!realPlatforms)
            services.AddSingleton<IChatPlatform>(Platform);
        register?.Invoke(services);
        _services = services.BuildServiceProvider();
        Options = _services.GetRequiredService<IOptions<ChaseOptions>>().Value;
        Settings = _services.GetRequiredService<ChaseSettings>();
        Runner = _services.GetRequiredService<ChaseRunner>();
        Drainer = _services.GetRequiredService<OutboxDrainer>();
        Decisions = _services.GetRequiredService<ProposalDecisions>();
        Morale = _services.GetRequiredService<MoraleCheckIns>();
        Digest = _services.GetRequiredService<ChannelDigest>();
    }

    /// <summary>Anything else the hosts' registration built (the Home overview, the email options).</summary>
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The /chase commands as a user on a platform would reach them.</summary>
    public ChaseBot.Core.Commands.ChaseCommands Commands(ChaseBot.Core.Commands.ChatOptions? chat = null,
        ChaseBot.Core.Storage.LedgerChanges? changes = null, ProposalDecisions? decisions = null,
        ChaseBot.Core.Reports.ClientStatusIndex? statusIndex = null) =>
        new(Db.Factory, Settings, ChaseBot.Core.Commands.ChatRoles.From(chat ?? new(), Settings.Approvers), Digest, Morale, Clock,
            changes: changes, decisions: decisions ?? Decisions, statusIndex: statusIndex,
            sources: _services.GetRequiredService<ChaseBot.Core.Sources.ConnectedSources>(),
            connections: _services.GetRequiredService<ChaseBot.Core.Sources.Connections.OAuthConnections>(),
            lateCharges: _services.GetRequiredService<ChaseBot.Core.LatePayment.LateCharges>());

    /// <summary>A command as a Slack user types it (mentions and channels in Slack's markup), answered as plain text.</summary>
    public async Task<string> SayAsync(string text, string user = "U1", ChaseBot.Core.Commands.ChatOptions? chat = null)
    {
        var (words, references) = ChaseBot.Core.Slack.SlackMarkup.Read(text);
        return (await Commands(chat).HandleAsync(words, new ChaseBot.Core.Commands.CommandContext(user, "slack", References: references))).ToText();
    }

    public TestDatabase Db { get; } = new();
    public FakeTimeProvider Clock { get; }
    public ChaseOptions Options { get; }
    public ChaseSettings Settings { get; }
    public RecordingPlatform Platform { get; } = new();
    public ChaseRunner Runner { get; }
    public OutboxDrainer Drainer { get; }
    public ProposalDecisions Decisions { get; }
    public MoraleCheckIns Morale { get; }
    public ChannelDigest Digest { get; }

    public DateOnly Today => Settings.Calendar.Today(Clock.GetUtcNow());

    public async Task<Client> ClientAsync(string name, Action<Client>? configure = null)
    {
        await using var db = Db.Open();
        var client = new Client { Name = name, NormalizedName = Client.Normalize(name), BillingEmail = "ap@" + name.Split(' ')[0].ToLowerInvariant() + ".example" };
        configure?.Invoke(client);
        db.Clients.Add(client);
        await db.SaveChangesAsync();
        return client;
    }

    /// <summary>An open invoice <paramref name="daysLate"/> days past due today.</summary>
    public async Task<Invoice> InvoiceAsync(Client client, string number, int daysLate, decimal amount = 1000m, Action<Invoice>? configure = null)
    {
        await using var db = Db.Open();
        var invoice = new Invoice
        {
            Source = "test", Number = number, ClientId = client.Id, DueDate = Today.AddDays(-daysLate), Currency = "USD",
            Total = amount, AmountDue = amount, Status = InvoiceStatus.Open,
        };
        configure?.Invoke(invoice);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync();
        return invoice;
    }

    public async Task<T> QueryAsync<T>(Func<Core.Storage.ChaseDbContext, Task<T>> query)
    {
        await using var db = Db.Open();
        return await query(db);
    }

    /// <summary>The steps taken for an invoice: its own reminders, then the rungs of its client's case in its currency.</summary>
    public Task<List<ChaseStepRecord>> StepsAsync(long invoiceId) => QueryAsync(async db =>
    {
        var own = await db.ChaseSteps.Where(s => s.InvoiceId == invoiceId).OrderBy(s => s.Id).ToListAsync();
        var invoice = await db.Invoices.SingleAsync(i => i.Id == invoiceId);
        var rungs = await db.CaseSteps.Where(s => db.Cases.Any(c => c.Id == s.CaseId && c.ClientId == invoice.ClientId && c.Currency == invoice.Currency))
            .OrderBy(s => s.Id).ToListAsync();
        return own.Concat(rungs.Select(r => new ChaseStepRecord
        {
            Id = r.Id, InvoiceId = invoiceId, Step = r.Step, Outcome = r.Outcome, Reason = r.Reason, Day = r.Day, At = r.At,
        })).ToList();
    });

    public Task<List<OutboxMessage>> OutboxAsync() => QueryAsync(db => db.Outbox.OrderBy(m => m.Id).ToListAsync());

    /// <summary>Runs the chase, then delivers what is due.</summary>
    public async Task<ChaseRunSummary> ChaseAndDeliverAsync()
    {
        var summary = await Runner.RunAsync();
        await Drainer.DrainAsync();
        return summary;
    }

    public void Dispose()
    {
        _services.Dispose();
        Db.Dispose();
    }
}
