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

        services.AddOptions<ChaseOptions>().Bind(configuration.GetSection(ChaseOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChaseOptions>, ChaseOptionsValidator>();
        services.AddOptions<ExportOptions>().Bind(configuration.GetSection(ExportOptions.Section))
            .Validate(o => ExportOptions.ParseDateOrder(o.DateOrder) is not null, "Exports:DateOrder must be auto, dmy or mdy")
            .Validate(o => o.DefaultCurrency.Trim().Length == 3 && o.DefaultCurrency.Trim().All(char.IsAsciiLetter),
                "Exports:DefaultCurrency must be a three-letter currency code such as USD")
            .Validate(o => o.FreshBooks.PaymentTermDays is null or >= 0 and <= 365,
                "Exports:FreshBooks:PaymentTermDays must be between 0 and 365")
            .Validate(o => o.MaxLineLength > 0, "Exports:MaxLineLength must be positive")
            .Validate(o => GenericIsValid(o.Generic), "Exports:Generic:Columns names a field ChaseBot does not read " +
                "(use Number, Client, Email, IssueDate, DueDate, Currency, Total, Paid, Balance, Status, PaymentLink)")
            .ValidateOnStart();

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ChaseOptions>>().Value.ResolveTimeZone());
        services.AddSingleton<ExportImporter>();
        services.AddSingleton<FolderImport>();
        services.AddSources(configuration);

        services.AddOptions<Payments.PaymentOptions>().Bind(configuration.GetSection(Payments.PaymentOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Payments.PaymentOptions>, Payments.PaymentOptionsValidator>();
        services.AddSingleton<ChaseSettings>();
        services.AddSingleton<ChaseRunner>();
        services.AddSingleton<ProposalDecisions>();
        // Each platform registers itself (its options, its client, its entry in the router); the console stands in for
        // Slack when no bot token is configured (the CLI registers one on its own output).
        services.TryAddSingleton(sp => new ConsolePlatform(Console.Out, sp.GetService<ILogger<ConsolePlatform>>()));
        services.AddSlack(configuration);
        services.AddTeams(configuration);
        services.AddEmail(configuration);
        services.AddSingleton<IChatPlatform>(ChatRouter.From);
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section))
            .Validate(o => o.Lease >= TimeSpan.FromSeconds(1) && o.Lease <= TimeSpan.FromHours(1), "Delivery:Lease must be between 00:00:01 and 01:00:00")
            .ValidateOnStart();
        services.AddSingleton(sp => new OutboxDrainer(sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Storage.ChaseDbContext>>(),
            sp.GetRequiredService<IChatPlatform>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<OutboxDrainer>>(),
            sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.Lease, sp.GetRequiredService<ChaseSettings>().Calendar.Zone,
            sp.GetRequiredService<Sources.FreshnessGate>()));
        services.AddOptions<MoraleOptions>().Bind(configuration.GetSection(MoraleOptions.Section))
            .Validate(o => o.MinDaysBetween is >= 0 and <= 365, "Morale:MinDaysBetween must be between 0 and 365").ValidateOnStart();
        services.AddSingleton<MoraleCheckIns>();
        services.AddOptions<DigestOptions>().Bind(configuration.GetSection(DigestOptions.Section))
            .Validate(o => o.Channels.All(c => !string.IsNullOrWhiteSpace(c)), "Digest:Channels has an empty entry")
            .ValidateOnStart();
        services.AddSingleton<ChannelDigest>();
        // An empty entry would not widen a role to everyone, but it says the list was written wrong: refuse it at start.
        services.AddOptions<ChatOptions>().Bind(configuration.GetSection(ChatOptions.Section))
            .Validate(o => o.Viewers.Concat(o.Collectors).All(u => !string.IsNullOrWhiteSpace(u)), "Chat:Viewers and Chat:Collectors must not have empty entries")
            .ValidateOnStart();
        services.AddSingleton(sp => ChatRoles.From(sp.GetRequiredService<IOptions<ChatOptions>>().Value,
            sp.GetRequiredService<ChaseSettings>().Approvers));
        services.AddSingleton<ChaseCommands>();
        services.AddSingleton<Conversations.ChatDispatcher>();
        return services;
    }

    private static bool GenericIsValid(GenericCsvOptions generic)
    {
        try { GenericCsvExport.FromOptions(generic); return true; }
        catch (InvalidOperationException) { return false; }
    }
}
