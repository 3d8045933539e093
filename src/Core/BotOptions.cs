namespace ChaseBot.Core;

/// <summary>Section "Bot": where people reach the Bot from a browser (the links ChaseBot gives to connect the books).</summary>
public sealed class BotOptions
{
    public const string Section = "Bot";

    /// <summary>The Bot's address as a browser reaches it, e.g. "https://chasebot.example.com" (behind the ingress).</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The absolute address of <paramref name="path"/> on the Bot, or null when PublicUrl is not set.</summary>
    public Uri? Link(string path) =>
        !string.IsNullOrWhiteSpace(PublicUrl) && Uri.TryCreate(PublicUrl.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var root) &&
        (root.Scheme == Uri.UriSchemeHttps || root.Scheme == Uri.UriSchemeHttp)
            ? new Uri(root, path.TrimStart('/'))
            : null;
}

public sealed class BotOptionsCheck : OptionsCheck<BotOptions>
{
    protected override IEnumerable<string> Failures(BotOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.PublicUrl) && o.Link("/") is null)
            yield return "Bot:PublicUrl must be an absolute http or https address, e.g. https://chasebot.example.com";
    }
}
