using TokenExchange.Definitions;

namespace TokenExchange.Configuration;

/// <summary>A <c>users:</c> entry as a <see cref="UserRecord"/>; the rules across users are <see cref="DefinitionRules"/>'.</summary>
internal static class UserConfig
{
    public static UserRecord ToRecord(UserModel m, string at, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(m.Id)) problems.Add($"{at}.id is required");
        return new UserRecord { Id = m.Id ?? "", Username = m.Username, Email = m.Email, FederationId = m.FederationId, DisplayName = m.DisplayName, Enabled = m.Enabled };
    }
}
