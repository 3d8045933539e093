using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Core.Delivery;

/// <summary>
/// A chat platform as registered with <see cref="ChatPlatforms.AddChatPlatform"/>: what its targets look like and
/// the setting that turns it on, known even when it is off, so a message for it can say what is missing.
/// </summary>
/// <param name="Prefix">The targets' prefix ("teams:"); null for the platform bare ids belong to (Slack).</param>
/// <param name="Describes">What such a target is, in words: "a Teams conversation".</param>
/// <param name="Setting">The setting that turns the platform on: "Teams:AppId".</param>
/// <param name="Create">The platform when it is configured; null when it is off.</param>
public sealed record ChatPlatformEntry(string? Prefix, string Describes, string Setting, Func<IServiceProvider, IChatPlatform?> Create);

public static class ChatPlatforms
{
    /// <summary>One line per platform: the outbox's router finds it by its targets' prefix.</summary>
    public static IServiceCollection AddChatPlatform(this IServiceCollection services, ChatPlatformEntry entry) =>
        services.AddSingleton(entry);
}

/// <summary>
/// Sends each outbox message to the platform its target names: a registered platform whose prefix the target carries
/// ("teams:…", "mailto:…"), otherwise the platform bare ids belong to (Slack, or the console when Slack is off).
/// </summary>
public sealed class ChatRouter : IChatPlatform
{
    private readonly IChatPlatform _bare;
    private readonly IReadOnlyList<IChatPlatform> _prefixed;
    private readonly IReadOnlyList<ChatPlatformEntry> _known;

    /// <param name="bare">The platform for targets without a prefix.</param>
    /// <param name="prefixed">The platforms that are on (nulls, for those that are off, are skipped).</param>
    public ChatRouter(IChatPlatform bare, params IChatPlatform?[] prefixed) : this(bare, prefixed, [])
    {
    }

    private ChatRouter(IChatPlatform bare, IEnumerable<IChatPlatform?> prefixed, IReadOnlyList<ChatPlatformEntry> known)
    {
        _bare = bare;
        _prefixed = prefixed.OfType<IChatPlatform>().Where(p => p.TargetPrefix is not null).ToList();
        _known = known;
    }

    /// <summary>The router over every registered platform that is on; the console takes bare ids when no platform does.</summary>
    public static ChatRouter From(IServiceProvider services)
    {
        var known = services.GetServices<ChatPlatformEntry>().ToList();
        var on = known.Select(e => e.Create(services)).ToList();
        var bare = on.FirstOrDefault(p => p is { TargetPrefix: null }) ?? services.GetRequiredService<ConsolePlatform>();
        return new ChatRouter(bare, on, known);
    }

    public string Name => string.Join("+", new[] { _bare }.Concat(_prefixed).Select(p => p.Name));
    public string NameFor(OutboxMessage message) => (Prefixed(message.Target) ?? _bare).Name;
    public int ParallelChannels => new[] { _bare }.Concat(_prefixed).Max(p => p.ParallelChannels);

    /// <summary>The platform on for a prefixed target ("teams:", "mailto:"); null for a bare one.</summary>
    private IChatPlatform? Prefixed(string target) => _prefixed.FirstOrDefault(p => target.StartsWith(p.TargetPrefix!, StringComparison.Ordinal));

    public Task<Delivered?> FindDeliveredAsync(OutboxMessage message, ChatMessage content, DateTime since, CancellationToken cancellationToken) =>
        (Prefixed(message.Target) ?? (new ChatTarget(message.Target).Platform == TargetPlatform.Slack ? _bare : null))
        ?.FindDeliveredAsync(message, content, since, cancellationToken) ?? Task.FromResult<Delivered?>(null);

    public Task<Delivered> SendAsync(OutboxMessage message, ChatMessage content, CancellationToken cancellationToken)
    {
        var target = message.Target;
        if (Prefixed(target) is { } platform)
            return platform.SendAsync(message, content, cancellationToken);
        if (_known.FirstOrDefault(e => e.Prefix is not null && target.StartsWith(e.Prefix, StringComparison.Ordinal)) is { } off)
            throw new InvalidOperationException($"{target} is {off.Describes} but that is not configured ({off.Setting})");
        if (new ChatTarget(target).Platform != TargetPlatform.Slack)
            throw new InvalidOperationException($"{target} is for a platform that is not configured here");
        return _bare.SendAsync(message, content, cancellationToken);
    }

    public async ValueTask DrainedAsync()
    {
        foreach (var platform in new[] { _bare }.Concat(_prefixed))
            await platform.DrainedAsync();
    }
}
