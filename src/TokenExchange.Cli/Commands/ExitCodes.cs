namespace TokenExchange.Cli.Commands;

public static class ExitCodes
{
    public const int Success = 0;
    public const int Refused = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
}
