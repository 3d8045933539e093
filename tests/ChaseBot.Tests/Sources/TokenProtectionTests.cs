using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChaseBot.Core.Sources.Connections;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Tests.Sources;

/// <summary>
/// The books' tokens are encrypted with Data Protection, its key ring in the ledger: another replica (a second
/// container of services on the same database) reads them; with <c>DataProtection:Certificate</c> the keys in the ledger
/// are themselves encrypted, and a replica without the certificate reads nothing.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class TokenProtectionTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("chasebot-dp-").FullName;

    public void Dispose()
    {
        _db.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private ServiceProvider Replica(Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_db.Factory);
        services.AddTokenProtection(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        return services.BuildServiceProvider();
    }

    private string Certificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=ChaseBot Data Protection", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        var path = Path.Combine(_folder, "dataprotection.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        return path;
    }

    [Fact]
    public async Task A_token_protected_by_one_replica_is_read_by_another_and_the_ledger_holds_no_token()
    {
        using (var db = _db.Open())
            await db.Database.EnsureCreatedAsync();
        string stored;
        using (var bot = Replica())
            stored = bot.GetRequiredService<TokenVault>().Protect("xrt_refresh_secret");
        using var worker = Replica();

        Assert.Equal("xrt_refresh_secret", worker.GetRequiredService<TokenVault>().Unprotect(stored));
        Assert.DoesNotContain("xrt_refresh_secret", stored);
        await using var ledger = _db.Open();
        Assert.Single(await ledger.DataProtectionKeys.ToListAsync());
    }

    [Fact]
    public async Task With_a_certificate_the_keys_in_the_ledger_are_encrypted_and_a_replica_without_it_reads_nothing()
    {
        using (var db = _db.Open())
            await db.Database.EnsureCreatedAsync();
        var settings = new Dictionary<string, string?> { ["DataProtection:Certificate"] = Certificate(), ["DataProtection:CertificatePassword"] = "pfx-password" };
        string stored;
        using (var bot = Replica(settings))
            stored = bot.GetRequiredService<TokenVault>().Protect("xrt_refresh_secret");

        await using (var ledger = _db.Open())
        {
            var key = (await ledger.DataProtectionKeys.SingleAsync()).Xml!;
            Assert.Contains("EncryptedData", key);
            Assert.DoesNotContain("<masterKey", key, StringComparison.Ordinal); // the key itself is only inside the encrypted part
        }
        using (var worker = Replica(settings))
            Assert.Equal("xrt_refresh_secret", worker.GetRequiredService<TokenVault>().Unprotect(stored));
        using var stranger = Replica();
        Assert.ThrowsAny<CryptographicException>(() => stranger.GetRequiredService<TokenVault>().Unprotect(stored));
    }

    [Fact]
    public void A_certificate_that_is_not_there_is_said_at_start()
    {
        var missing = Path.Combine(_folder, "nope.pfx");
        var e = Assert.Throws<Core.SettingsException>(() => Replica(new() { ["DataProtection:Certificate"] = missing }));
        Assert.Equal($"DataProtection:Certificate names {missing}, which does not exist: mount the certificate (a .pfx with its private key) there", e.Message);
    }
}
