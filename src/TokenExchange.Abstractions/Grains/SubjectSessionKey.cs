namespace TokenExchange.Grains;

/// <summary>The grain key of a subject session: handler, issuer and subject, each escaped, joined by '|'.</summary>
public static class SubjectSessionKey
{
    public static string For(string handler, string issuer, string subject) =>
        string.Join('|', Uri.EscapeDataString(handler), Uri.EscapeDataString(issuer), Uri.EscapeDataString(subject));
}
