using System.CommandLine;

namespace ChaseBot.Worker.CommandLine;

/// <summary>
/// A parsed command line as a verb reads it: System.CommandLine's typed values for the options and arguments declared
/// in <see cref="WorkerCommands"/>, and the settings the line overrides (--set Key=Value, --Key Value).
/// </summary>
internal sealed class VerbInput
{
    private readonly ParseResult _parse;

    private VerbInput(ParseResult parse, WorkerCommands cli, string help, IReadOnlyDictionary<string, string?> settings) =>
        (_parse, Cli, Help, Settings) = (parse, cli, help, settings);

    public WorkerCommands Cli { get; }

    /// <summary>The verb's own help, printed under a usage error.</summary>
    public string Help { get; }

    /// <summary>Settings the command line gives, over appsettings.json and the environment.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The verb; null for none (the service).</summary>
    public string? Verb => _parse.CommandResult.Command is RootCommand ? null : _parse.CommandResult.Command.Name;

    public T? Get<T>(Option<T> option) => _parse.GetValue(option);

    public T Get<T>(Argument<T> argument) => _parse.GetValue(argument)!;

    /// <summary>Words given to an argument that takes several, as one text ("status Kauri Digital Ltd"); null for none.</summary>
    public string? Words(Argument<string[]> argument) => _parse.GetValue(argument) is { Length: > 0 } words ? string.Join(' ', words) : null;

    public bool Json => Flag(WorkerCommands.JsonOption);
    public bool All => Flag(WorkerCommands.AllOption);

    /// <summary>--user, or the local login name.</summary>
    public string User => Get(Cli.User) ?? Environment.UserName;

    private bool Flag(string name) =>
        _parse.CommandResult.Command.Options.OfType<Option<bool>>().FirstOrDefault(o => o.Name == name) is { } flag && _parse.GetValue(flag);

    /// <summary>Null with an error message when a --set is not Key=Value.</summary>
    public static VerbInput? From(ParseResult parse, WorkerCommands cli, IReadOnlyDictionary<string, string?> overrides, string help, out string? error)
    {
        error = null;
        var settings = new Dictionary<string, string?>(overrides);
        foreach (var setting in parse.GetValue(cli.Set) ?? [])
        {
            if (setting.IndexOf('=') is not (var at and > 0))
            {
                error = $"--set takes Key=Value, e.g. --set Exports:DefaultCurrency=EUR (got '{setting}')";
                return null;
            }
            settings[setting[..at]] = setting[(at + 1)..];
        }
        return new VerbInput(parse, cli, help, settings);
    }

    /// <summary>
    /// Takes the settings given as --Section:Key Value (or --Section:Key=Value) out of the arguments, leaving the rest
    /// to the parser: they are configuration keys, not options of a verb.
    /// </summary>
    public static (string[] Remaining, Dictionary<string, string?> Overrides, string? Error) SplitSettings(string[] args)
    {
        var rest = new List<string>();
        var overrides = new Dictionary<string, string?>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || !arg.Split('=')[0].Contains(':'))
            {
                rest.Add(arg);
                continue;
            }
            var name = arg[2..];
            if (name.IndexOf('=') is var eq and > 0)
            {
                overrides[name[..eq]] = name[(eq + 1)..];
                continue;
            }
            if (i + 1 >= args.Length)
                return ([], overrides, $"{arg} needs a value");
            overrides[name] = args[++i];
        }
        return ([.. rest], overrides, null);
    }
}
