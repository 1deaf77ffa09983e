using TokenExchange.Handlers;

namespace TokenExchange.TestPlugins;

/// <summary>Throws from validation.</summary>
public sealed class ThrowingHandler : TokenExchangeHandler
{
    public override Task<TokenValidationResult> ValidateTokenAsync(TokenValidationContext context) =>
        throw new InvalidOperationException("partner API exploded");

    public override Task<UserMappingResult> GetUserAsync(UserMappingContext context) => throw new NotSupportedException();
}

/// <summary>Never answers, and ignores cancellation.</summary>
public sealed class HangingHandler : TokenExchangeHandler
{
    public override async Task<TokenValidationResult> ValidateTokenAsync(TokenValidationContext context)
    {
        await Task.Delay(Timeout.Infinite, CancellationToken.None);
        return TokenValidationResult.Invalid("unreachable");
    }

    public override Task<UserMappingResult> GetUserAsync(UserMappingContext context) => throw new NotSupportedException();
}

/// <summary>Says the token is valid but names no subject.</summary>
public sealed class NonsenseHandler : TokenExchangeHandler
{
    public override Task<TokenValidationResult> ValidateTokenAsync(TokenValidationContext context) =>
        Task.FromResult(new TokenValidationResult { IsValid = true });

    public override Task<UserMappingResult> GetUserAsync(UserMappingContext context) => throw new NotSupportedException();
}

/// <summary>Refuses every token with its own message (Salesforce's customErrorMsg).</summary>
public sealed class RefusingHandler : TokenExchangeHandler
{
    public override Task<TokenValidationResult> ValidateTokenAsync(TokenValidationContext context) =>
        Task.FromResult(TokenValidationResult.Invalid("tokens of this partner are not accepted on weekends"));

    public override Task<UserMappingResult> GetUserAsync(UserMappingContext context) => throw new NotSupportedException();
}

/// <summary>Not a handler at all.</summary>
public sealed class NotAHandler
{
}
