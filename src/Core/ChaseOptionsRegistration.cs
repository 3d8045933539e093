using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core;

/// <summary>
/// Every settings section is registered one way: bound from its section, checked by its own validator, and checked at
/// start (ValidateOnStart in hosts, the command line's start-up check), so a mistake is said before anything runs.
/// </summary>
public static class ChaseOptionsRegistration
{
    public static OptionsBuilder<TOptions> AddChaseOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration,
        string section) where TOptions : class where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }
}

/// <summary>A section's checks as the sentences a person reads when one fails; none when all is well.</summary>
public abstract class OptionsCheck<TOptions> : IValidateOptions<TOptions> where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        Failures(options).ToList() is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;

    protected abstract IEnumerable<string> Failures(TOptions options);
}
