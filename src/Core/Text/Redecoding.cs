using System.Text;

namespace ChaseBot.Core.Text;

/// <summary>
/// What a name would read as had its bytes been decoded the other way: "ZÃ¼rich" is "Zürich" written as UTF-8 and read
/// as Windows-1252 (or saved again by a spreadsheet that did), and the reverse. An import that meets a name the ledger
/// holds only in such another reading keeps the stored name: a change of encoding is never a rename.
/// </summary>
public static class Redecoding
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    private static readonly Encoding StrictWindows1252;

    static Redecoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance); // before Windows-1252 can be had, whoever calls first
        StrictWindows1252 = Encoding.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>The other readings of <paramref name="text"/>, none for text in ASCII (which reads the same either way).</summary>
    public static IEnumerable<(string Text, string How)> Alternatives(string text)
    {
        if (Ascii.IsValid(text))
            yield break;
        if (Try(() => StrictUtf8.GetString(StrictWindows1252.GetBytes(text))) is { } fromMojibake && fromMojibake != text)
            yield return (fromMojibake, "UTF-8 read as Windows-1252");
        if (Try(() => StrictWindows1252.GetString(StrictUtf8.GetBytes(text))) is { } toMojibake && toMojibake != text)
            yield return (toMojibake, "Windows-1252 read as UTF-8");
    }

    private static string? Try(Func<string> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception e) when (e is EncoderFallbackException or DecoderFallbackException)
        {
            return null; // bytes the other encoding cannot hold or read: no other reading
        }
    }
}
