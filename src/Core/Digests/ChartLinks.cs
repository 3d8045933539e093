using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Digests;

/// <summary>
/// Signed, expiring addresses of the digests' pictures on the Bot (<c>{Bot:PublicUrl}/charts/{token}.png</c>), for Teams,
/// which fetches a card's image itself. The token is the chart's id and its expiry, protected with Data Protection (its
/// key ring is in the ledger, so the Worker that writes the card and the Bot that serves it read the same keys): it can
/// be neither read nor forged, and the expiry is checked against ChaseBot's own clock.
/// </summary>
public sealed class ChartLinks(IDataProtectionProvider protection, IOptions<BotOptions> bot, TimeProvider clock)
{
    /// <summary>How long a digest's picture can be fetched: a month of digests stay whole in the channel's history.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(31);

    public const string PathPrefix = "/charts/";
    private readonly IDataProtector _protector = protection.CreateProtector("ChaseBot.Charts.v1");

    /// <summary>The picture's address, or null when Bot:PublicUrl is not set (Teams then shows the words alone).</summary>
    public Uri? LinkFor(long chartId)
    {
        var payload = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(payload, chartId);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(8), clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());
        return bot.Value.Link($"{PathPrefix}{WebEncoders.Base64UrlEncode(_protector.Protect(payload))}.png");
    }

    /// <summary>The chart a token names, or null for one that was altered, made with other keys, or has expired.</summary>
    public long? Read(string token)
    {
        try
        {
            var payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
            if (payload.Length != 16)
                return null;
            var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(8)));
            return clock.GetUtcNow() < expires ? BinaryPrimitives.ReadInt64BigEndian(payload) : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
