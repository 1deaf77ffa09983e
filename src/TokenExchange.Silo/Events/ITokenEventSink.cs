namespace TokenExchange.Silo.Events;

/// <summary>
/// Receives every <see cref="TokenEvent"/> of this silo. Called on the hot path after the response is
/// decided: an implementation must be quick and must not throw or block (queue anything slow).
/// Register one with <c>services.AddSingleton&lt;ITokenEventSink, YourSink&gt;()</c>.
/// </summary>
public interface ITokenEventSink
{
    void Record(TokenEvent tokenEvent);
}
