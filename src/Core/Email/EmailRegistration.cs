using ChaseBot.Core.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Email;

public static class EmailRegistration
{
    /// <summary>Email's options (checked at start) and delivery to "mailto:" targets over SMTP when Email:Host is set.</summary>
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChaseOptions<EmailOptions, EmailOptionsValidator>(configuration, EmailOptions.Section);
        services.AddSingleton<EmailPlatform>();
        return services.AddChatPlatform(new ChatPlatformEntry(ChatTarget.EmailPrefix, "an email address", "Email:Host",
            sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.Enabled ? sp.GetRequiredService<EmailPlatform>() : null));
    }
}
