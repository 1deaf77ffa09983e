using TokenExchange.Sessions;

namespace TokenExchange.Abstractions;

/// <summary>
/// The readiness warm-up's stand-in for a subject session (issue 15, warm start): the session's request and answer
/// travel the path an exchange's one grain call takes (grain reference, message, this silo's scheduler, the copiers),
/// so that path is compiled before the silo says ready. It answers a user it makes up for the subject and keeps,
/// stores and creates nothing; whoever calls it learns nothing they did not send.
/// </summary>
[Alias("tx.IWarmupGrain")]
public interface IWarmupGrain : IGrainWithIntegerKey
{
    [Alias("ResolveUser")] ValueTask<UserResolution> ResolveUser(SubjectUserRequest request, CancellationToken cancellationToken = default);
}
