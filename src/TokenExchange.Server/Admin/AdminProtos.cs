using TokenExchange.Definitions;
using TokenExchange.Protos.V1;
using Change = TokenExchange.Protos.V1.Change;

namespace TokenExchange.Server.Admin;

/// <summary>The admin API's messages for the definitions' records, both ways.</summary>
internal static class AdminProtos
{
    public static Change ToProto(this DefinitionChange change) => new() { Kind = change.Kind, Name = change.Name, Action = change.Action.ToString().ToLowerInvariant() };

    public static ExternalIdentity ToIdentity(this UserLink link) => new(link.Handler, link.Issuer, link.Subject);
}
