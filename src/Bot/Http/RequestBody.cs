namespace ChaseBot.Bot.Http;

/// <summary>Reading an inbound request's body with a limit, whatever the server allows: Slack's and Teams' endpoints both use it.</summary>
public static class RequestBody
{
    /// <summary>The body, or null when it declares or turns out to be longer than <paramref name="limit"/> bytes (the rest is not read).</summary>
    public static async Task<byte[]?> ReadAtMostAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            return null;
        // A body sent in chunks has no length to check up front: read at most the limit.
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
