using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Payments;

/// <summary>
/// Section "Payment": how clients pay, said in every message to a client. A reminder that does not say how to pay asks
/// the client to find out first, and that is one more reason to put it off.
/// </summary>
public sealed class PaymentOptions
{
    public const string Section = "Payment";

    /// <summary>How to pay, in the words clients read ("Bank transfer to … sort code … account …; quote the invoice number").</summary>
    public string? Instructions { get; set; }

    /// <summary>Per currency, overriding <see cref="Instructions"/>: Payment:InstructionsByCurrency:EUR = "SEPA transfer to IBAN …".</summary>
    public Dictionary<string, string> InstructionsByCurrency { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public const int MaxLength = 2000;

    /// <summary>The instructions for an amount in <paramref name="currency"/>, or null when none are set.</summary>
    public string? For(string currency) =>
        InstructionsByCurrency.TryGetValue(currency, out var own) && !string.IsNullOrWhiteSpace(own) ? own.Trim()
        : string.IsNullOrWhiteSpace(Instructions) ? null : Instructions.Trim();

    public bool AnySet => !string.IsNullOrWhiteSpace(Instructions) || InstructionsByCurrency.Values.Any(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>Said at start-up when ChaseBot emails clients itself but cannot tell them how to pay.</summary>
    public const string MissingWarning =
        "Email is on but Payment:Instructions is not set: client emails will not say how to pay, except for invoices whose export " +
        "carries a payment link. Set Payment:Instructions (and Payment:InstructionsByCurrency:<CUR> where it differs).";
}

/// <summary>Every problem with the Payment section, said at start.</summary>
public sealed class PaymentOptionsValidator : IValidateOptions<PaymentOptions>
{
    public ValidateOptionsResult Validate(string? name, PaymentOptions o)
    {
        var failures = new List<string>();
        if (o.Instructions is { Length: > PaymentOptions.MaxLength })
            failures.Add($"Payment:Instructions must be at most {PaymentOptions.MaxLength} characters");
        foreach (var (currency, text) in o.InstructionsByCurrency)
        {
            if (currency.Length != 3 || !currency.All(char.IsAsciiLetter))
                failures.Add($"Payment:InstructionsByCurrency:{currency} must be a three-letter currency code such as EUR");
            if (text is { Length: > PaymentOptions.MaxLength })
                failures.Add($"Payment:InstructionsByCurrency:{currency} must be at most {PaymentOptions.MaxLength} characters");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
