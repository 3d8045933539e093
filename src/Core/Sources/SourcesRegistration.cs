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
        services.AddOptions<SourcesOptions>().Bind(configuration.GetSection(SourcesOptions.Section))
            .Validate(o => o.SyncEvery >= TimeSpan.FromMinutes(1), "Sources:SyncEvery must be at least a minute")
            .Validate(o => o.MaxStaleness > TimeSpan.Zero, "Sources:MaxStaleness must be positive")
            .Validate(o => Absolute(o.Stripe.ApiBaseUrl), "Sources:Stripe:ApiBaseUrl must be an absolute URL")
            .Validate(o => Absolute(o.Xero.ApiBaseUrl) && Absolute(o.Xero.IdentityBaseUrl) && Absolute(o.Xero.LoginBaseUrl),
                "Sources:Xero:ApiBaseUrl, IdentityBaseUrl and LoginBaseUrl must be absolute URLs")
            .Validate(o => Absolute(o.QuickBooks.ApiBaseUrl) && Absolute(o.QuickBooks.TokenUrl) && Absolute(o.QuickBooks.AuthorizeUrl) && Absolute(o.QuickBooks.RevokeUrl),
                "Sources:QuickBooks:ApiBaseUrl, TokenUrl, AuthorizeUrl and RevokeUrl must be absolute URLs")
            .ValidateOnStart();
        services.AddOptions<BotOptions>().Bind(configuration.GetSection(BotOptions.Section))
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicUrl) || o.Link("/") is not null, "Bot:PublicUrl must be an absolute http or https address, e.g. https://chasebot.example.com")
            .ValidateOnStart();
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

    private static bool Absolute(string url) => Uri.TryCreate(url, UriKind.Absolute, out _);
}
