namespace TokenExchange.Testing;

/// <summary>One user of a <see cref="TestConfig"/>: what <c>users:</c> holds for an id.</summary>
public sealed class UserBuilder
{
    internal UserBuilder(string id) => Node.Set("id", id);

    internal Node Node { get; } = new();

    public UserBuilder Username(string username) => Set("username", username);

    public UserBuilder Email(string email) => Set("email", email);

    public UserBuilder FederationId(string federationId) => Set("federationId", federationId);

    public UserBuilder DisplayName(string displayName) => Set("displayName", displayName);

    /// <summary><c>enabled: false</c>: the user exists, but no exchange may act as them.</summary>
    public UserBuilder Disabled() => Set("enabled", false);

    private UserBuilder Set(string key, object value)
    {
        Node.Set(key, value);
        return this;
    }
}
