namespace ChaseBot.Core;

/// <summary>
/// A setting ChaseBot cannot run with. The message names the setting and what it expects, so it is said as it is
/// ("configuration: Chase:TimeZone 'Mars/Base' is not a time zone …") and the process stops before touching data.
/// </summary>
public sealed class SettingsException(string message, Exception? inner = null) : InvalidOperationException(message, inner)
{
    /// <summary>
    /// What <paramref name="error"/> says about the settings, when it is about them: one of ours, or the configuration
    /// binder's own ("Failed to convert configuration value at 'Worker:ClusterCheckinInterval' to type 'System.TimeSpan'").
    /// </summary>
    public static string? Explains(Exception error) => error switch
    {
        SettingsException ours => ours.Message,
        InvalidOperationException { Source: "Microsoft.Extensions.Configuration.Binder" } binder => binder.Message,
        _ => null,
    };
}
