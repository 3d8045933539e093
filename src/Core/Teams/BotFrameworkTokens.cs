using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Teams;

/// <summary>
/// The bot's own access token for the Bot Connector (client credentials), cached until shortly before it expires
/// and fetched by one caller at a time, however many messages are going out.
/// </summary>
public sealed class BotFrameworkTokens(HttpClient http, IOptions<TeamsOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan RefreshEarly = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private string? _token;
    private DateTimeOffset _expires;

    public int Fetches { get; private set; }

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_token is not null && clock.GetUtcNow() < _expires - RefreshEarly)
            return _token;
        await _fetching.WaitAsync(cancellationToken);
        try
        {
            if (_token is not null && clock.GetUtcNow() < _expires - RefreshEarly)
                return _token;
            var o = options.Value;
            var endpoint = o.TokenEndpoint ??
                           $"https://login.microsoftonline.com/{(string.IsNullOrWhiteSpace(o.TenantId) ? "botframework.com" : o.TenantId)}/oauth2/v2.0/token";
            Fetches++;
            using var response = await http.PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = o.AppId ?? "",
                ["client_secret"] = o.AppPassword ?? "",
                ["scope"] = "https://api.botframework.com/.default",
            }), cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"the token endpoint answered {(int)response.StatusCode}"); // the secret is never logged
            try
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                var token = json.RootElement.GetProperty("access_token").GetString();
                if (string.IsNullOrEmpty(token))
                    throw new KeyNotFoundException();
                _expires = clock.GetUtcNow().AddSeconds(json.RootElement.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var s) ? s : 3600);
                return _token = token;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                // A proxy's error page or an empty answer: a server-side fault, retried later like any other.
                throw new HttpRequestException($"the token endpoint answered {(int)response.StatusCode} without an access_token");
            }
        }
        finally
        {
            _fetching.Release();
        }
    }
}
