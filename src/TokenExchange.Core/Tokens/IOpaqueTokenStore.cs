
namespace TokenExchange.Tokens;

/// <summary>Where opaque access tokens are recorded (by hash) for introspection.</summary>
public interface IOpaqueTokenStore
{
    Task StoreAsync(string handleKey, OpaqueAccessToken token, CancellationToken cancellationToken);
}
