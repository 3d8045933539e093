using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Morale;
using ChaseBot.Core.Email;
using ChaseBot.Core.Slack;
using ChaseBot.Core.Teams;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Exports.Formats;
using ChaseBot.Core.Sources;
using ChaseBot.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core;

public static class CoreRegistration
{
    /// <summary>Storage, the export importer and their options, validated when first read (ValidateOnStart in hosts).</summary>
    public static IServiceCollection AddChaseCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChaseStorage(configuration);
        services.TryAddSingleton(TimeProvider.System);

        services.AddChaseOptions<ChaseOptions, ChaseOptionsValidator>(configuration, ChaseOptions.Section);
        services.AddChaseOptions<ExportOptions, ExportOptionsCheck>(configuration, ExportOptions.Section);

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ChaseOptions>>().Value.ResolveTimeZone());
        services.AddSingleton<ExportImporter>();
        services.AddSingleton<FolderImport>();
        services.AddSources(configuration);

        services.AddChaseOptions<Payments.PaymentOptions, Payments.PaymentOptionsValidator>(configuration, Payments.PaymentOptions.Section);
        services.AddSingleton<ChaseSettings>();
        services.AddSingleton<ChaseRunner>();
        services.AddSingleton<ProposalDecisions>();
        // Each platform registers itself (its options, its client, its entry in the router); the console stands in for
        // Slack when no bot token is configured (the CLI registers one on its own output).
        services.TryAddSingleton(sp => new ConsolePlatform(Console.Out, sp.GetService<ILogger<ConsolePlatform>>(), sp.GetRequiredService<DigestCharts>()));
        services.AddSlack(configuration);
        services.AddTeams(configuration);
        services.AddEmail(configuration);
        services.AddSingleton<IChatPlatform>(ChatRouter.From);
        services.AddChaseOptions<DeliveryOptions, DeliveryOptionsCheck>(configuration, DeliveryOptions.Section);
        services.AddSingleton(sp => new OutboxDrainer(sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Storage.ChaseDbContext>>(),
            sp.GetRequiredService<IChatPlatform>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<OutboxDrainer>>(),
            sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.Lease, sp.GetRequiredService<ChaseSettings>().Calendar.Zone,
            sp.GetRequiredService<Sources.FreshnessGate>()));
        services.AddChaseOptions<MoraleOptions, MoraleOptionsCheck>(configuration, MoraleOptions.Section);
        services.AddSingleton<MoraleCheckIns>();
        services.AddChaseOptions<DigestOptions, DigestOptionsCheck>(configuration, DigestOptions.Section);
        services.AddSingleton<ChannelDigest>();
        services.AddSingleton<DigestCharts>();
        services.AddSingleton<ChartLinks>();
        services.AddChaseOptions<LatePayment.LatePaymentOptions, LatePayment.LatePaymentOptionsCheck>(configuration, LatePayment.LatePaymentOptions.Section);
        services.AddSingleton<LatePayment.LateCharges>();
        services.AddChaseOptions<ChatOptions, ChatOptionsCheck>(configuration, ChatOptions.Section);
        services.AddSingleton(sp => ChatRoles.From(sp.GetRequiredService<IOptions<ChatOptions>>().Value,
            sp.GetRequiredService<ChaseSettings>().Approvers));
        services.AddChaseOptions<Reports.StatusOptions, Reports.StatusOptionsCheck>(configuration, Reports.StatusOptions.Section);
        services.AddSingleton(sp => new Reports.ClientStatusIndex(sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Storage.ChaseDbContext>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<Reports.ClientStatusIndex>>(),
            sp.GetRequiredService<IOptions<Reports.StatusOptions>>().Value.IndexBytes));
        services.AddSingleton(sp => new Reports.FiguresCache(sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Storage.ChaseDbContext>>(),
            sp.GetRequiredService<Storage.LedgerChanges>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<Reports.StatusOptions>>().Value.HomePatience));
        services.AddSingleton<ChaseCommands>();
        services.AddSingleton<Conversations.ChatDispatcher>();
        return services;
    }
}
