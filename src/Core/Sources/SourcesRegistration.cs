using ChaseBot.Core.Sources.Connections;
using ChaseBot.Core.Sources.QuickBooks;
using ChaseBot.Core.Sources.Stripe;
using ChaseBot.Core.Sources.Xero;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Core.Sources;

public static class SourcesRegistration
{
    /// <summary>The books ChaseBot reads live, how they are connected, and the check before sending that reads them again.</summary>
    public static IServiceCollection AddSources(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<LedgerSync>();
        services.AddChaseOptions<SourcesOptions, SourcesOptionsCheck>(configuration, SourcesOptions.Section);
        services.AddChaseOptions<BotOptions, BotOptionsCheck>(configuration, BotOptions.Section);
        services.AddTokenProtection(configuration);
        services.AddSingleton<OAuthConnections>();

        services.AddSingleton<StripeSource>();
        services.AddSingleton<IInvoiceSource>(sp => sp.GetRequiredService<StripeSource>());
        services.AddSingleton<StripeWebhook>();

        services.AddSingleton<XeroBooks>();
        services.AddSingleton<IOAuthBooks>(sp => sp.GetRequiredService<XeroBooks>());
        services.AddSingleton<XeroApi>();
        services.AddSingleton<XeroSource>();
        services.AddSingleton<IInvoiceSource>(sp => sp.GetRequiredService<XeroSource>());
        services.AddSingleton<XeroWebhook>();

        services.AddSingleton<QuickBooksBooks>();
        services.AddSingleton<IOAuthBooks>(sp => sp.GetRequiredService<QuickBooksBooks>());
        services.AddSingleton<QuickBooksApi>();
        services.AddSingleton<QuickBooksSource>();
        services.AddSingleton<IInvoiceSource>(sp => sp.GetRequiredService<QuickBooksSource>());
        services.AddSingleton<QuickBooksWebhook>();

        services.AddSingleton<ConnectedSources>();
        services.AddSingleton<FreshnessGate>();
        return services;
    }
}
