namespace ChaseBot.Worker.CommandLine;

/// <summary>A command line split into its verb, positional arguments, options and configuration overrides.</summary>
internal sealed class ParsedArguments
{
    private static readonly HashSet<string> ValueOptions =
        ["db", "format", "date-order", "payment-term-days", "as-of", "folder", "set", "user", "reason", "days"];
    private static readonly HashSet<string> FlagOptions = ["json", "csv", "all", "help"];

    public string? Verb { get; private init; }
    public List<string> Positionals { get; } = [];
    public Dictionary<string, string> Options { get; } = [];
    public HashSet<string> Flags { get; } = [];
    public Dictionary<string, string?> ConfigOverrides { get; } = [];

    public string? this[string option] => Options.GetValueOrDefault(option);

    /// <summary>Null with an error message when the arguments cannot be understood.</summary>
    public static ParsedArguments? Parse(string[] args, out string? error)
    {
        error = null;
        var parsed = new ParsedArguments { Verb = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : null };
        for (var i = parsed.Verb is null ? 0 : 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                if (arg is "-h")
                    parsed.Flags.Add("help");
                else
                    parsed.Positionals.Add(arg);
                continue;
            }
            var name = arg[2..];
            string? inlineValue = null;
            if (name.IndexOf('=') is var eq and > 0)
                (name, inlineValue) = (name[..eq], name[(eq + 1)..]);

            if (FlagOptions.Contains(name) && inlineValue is null)
            {
                parsed.Flags.Add(name);
                continue;
            }
            if (!ValueOptions.Contains(name) && !name.Contains(':'))
            {
                error = $"unknown option --{name}";
                return null;
            }
            var value = inlineValue;
            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"--{name} needs a value";
                    return null;
                }
                value = args[++i];
            }
            if (name.Contains(':'))
                parsed.ConfigOverrides[name] = value; // --Exports:DefaultCurrency EUR
            else if (name == "set")
            {
                if (value.IndexOf('=') is not (var at and > 0))
                {
                    error = "--set takes Key=Value, e.g. --set Exports:DefaultCurrency=EUR";
                    return null;
                }
                parsed.ConfigOverrides[value[..at]] = value[(at + 1)..];
            }
            else
                parsed.Options[name] = value;
        }
        return parsed;
    }
}
