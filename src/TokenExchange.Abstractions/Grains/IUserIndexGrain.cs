namespace TokenExchange.Abstractions;

/// <summary>
/// One value of one user attribute (key: <c>attribute/value</c>), or one external identity's link (key:
/// <c>link/handler/issuer/subject</c>), and the user that owns it. It makes the attributes used for mapping
/// unique across the directory, and maps each identity to at most one user.
/// </summary>
[Alias("tx.IUserIndexGrain")]
public interface IUserIndexGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<string?> Get();

    /// <summary>Claims the value for <paramref name="userId"/> if free; returns the owner after the call.</summary>
    [Alias("Claim")] Task<string> Claim(string userId);

    [Alias("Release")] Task Release(string userId);
}
