using System.CommandLine;

namespace ChaseBot.Worker.CommandLine;

/// <summary>A parsed command line as the verbs read it: the verb, its arguments, options, flags and setting overrides.</summary>
internal sealed class ParsedArguments
{
    public string? Verb { get; private init; }
    public List<string> Positionals { get; } = [];
    public Dictionary<string, string> Options { get; } = [];
    public HashSet<string> Flags { get; } = [];
    public Dictionary<string, string?> ConfigOverrides { get; } = [];

    /// <summary>The verb's own help, printed under a usage error.</summary>
    public string Help { get; private init; } = "";

    public string? this[string option] => Options.GetValueOrDefault(option);

    /// <summary>Null with an error message when a --set is not Key=Value.</summary>
    public static ParsedArguments? From(ParseResult parse, IReadOnlyDictionary<string, string?> overrides, string help, out string? error)
    {
        error = null;
        var command = parse.CommandResult.Command;
        var parsed = new ParsedArguments { Verb = command is RootCommand ? null : command.Name, Help = help };
        foreach (var (key, value) in overrides)
            parsed.ConfigOverrides[key] = value;
        foreach (var argument in command.Arguments)
            switch (argument)
            {
                case Argument<string[]> many: parsed.Positionals.AddRange(parse.GetValue(many) ?? []); break;
                case Argument<string> one when parse.GetValue(one) is { } value: parsed.Positionals.Add(value); break;
            }
        foreach (var option in command.Options)
        {
            if (parse.GetResult(option) is not { Implicit: false })
                continue;
            var name = option.Name.TrimStart('-');
            switch (option)
            {
                case Option<bool> flag:
                    if (parse.GetValue(flag))
                        parsed.Flags.Add(name);
                    break;
                case Option<string[]> settings:
                    foreach (var setting in parse.GetValue(settings) ?? [])
                    {
                        if (setting.IndexOf('=') is not (var at and > 0))
                        {
                            error = $"--set takes Key=Value, e.g. --set Exports:DefaultCurrency=EUR (got '{setting}')";
                            return null;
                        }
                        parsed.ConfigOverrides[setting[..at]] = setting[(at + 1)..];
                    }
                    break;
                case Option<string> text when parse.GetValue(text) is { } value:
                    parsed.Options[name] = value;
                    break;
            }
        }
        return parsed;
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
