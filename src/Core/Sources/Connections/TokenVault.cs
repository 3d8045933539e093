using System.Security.Cryptography.X509Certificates;
using ChaseBot.Core.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Core.Sources.Connections;

/// <summary>
/// Encrypts the books' tokens with ASP.NET Core Data Protection. The key ring lives in the ledger database, so the Bot
/// (which receives the OAuth callback) and the Worker (which syncs) read the same keys, on every replica. With
/// <c>DataProtection:Certificate</c> the keys themselves are encrypted with that certificate: a copy of the database
/// alone then decrypts nothing.
/// </summary>
public sealed class TokenVault(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("ChaseBot.Sources.Tokens.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string stored) => _protector.Unprotect(stored);
}

public static class TokenProtection
{
    public const string Section = "DataProtection";

    /// <summary>Data Protection with its key ring in the ledger, and a certificate around the keys when one is configured.</summary>
    public static IServiceCollection AddTokenProtection(this IServiceCollection services, IConfiguration configuration)
    {
        // Data Protection's EF store asks the container for a context in a scope of its own; ours are pooled, so it gets one from the pool.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContext());
        var protection = services.AddDataProtection().SetApplicationName("ChaseBot").PersistKeysToDbContext<ChaseDbContext>();
        var section = configuration.GetSection(Section);
        if (section["Certificate"] is { Length: > 0 } path)
        {
            if (!File.Exists(path))
                throw new SettingsException($"DataProtection:Certificate names {path}, which does not exist: mount the certificate (a .pfx with its private key) there");
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, section["CertificatePassword"]);
            if (!certificate.HasPrivateKey)
                throw new SettingsException($"DataProtection:Certificate ({path}) has no private key: the keys it protects could not be read back");
            protection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
        services.AddSingleton<TokenVault>();
        return services;
    }
}
