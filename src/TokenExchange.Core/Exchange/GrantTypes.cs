namespace TokenExchange.Exchange;

public static class GrantTypes
{
    public const string TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange";
}
