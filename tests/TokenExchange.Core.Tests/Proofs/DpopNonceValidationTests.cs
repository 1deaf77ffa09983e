using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Exchange;
using TokenExchange.Proofs;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Proofs;

/// <summary>
/// <see cref="DpopProofValidator"/> for an app that requires server nonces (RFC 9449 section 8): a proof without a
/// nonce, or with a stale or foreign one, is use_dpop_nonce with the nonce to use, before its jti is spent; a proof
/// with a nonce of the previous window is accepted and the answer carries the new one.
/// </summary>
public sealed class DpopNonceValidationTests
{
    private const string Endpoint = "https://tx.example/oauth2/token";
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(Now);
    private readonly InMemoryOneTimeUseStore store = new();
    private readonly DpopKey key = new();
    private readonly DpopNonces nonces;
    private readonly DpopProofValidator validator;

    public DpopNonceValidationTests()
    {
        nonces = new DpopNonces(RandomNumberGenerator.GetBytes(32), time);
        validator = new DpopProofValidator(store, time, nonces: nonces);
    }

    private string Proof(string? nonce) =>
        key.Proof(Endpoint, time.GetUtcNow(), claims: nonce is null ? null : new Dictionary<string, object?> { ["nonce"] = nonce });

    private ValueTask<DpopProofCheck> Validate(string proof, string? nonceFor = "orders") =>
        validator.ValidateAsync(new DpopPresentation(proof, "POST", [Endpoint]), nonceFor, CancellationToken.None);

    private async Task UseNonce(string proof, string description)
    {
        var result = await Validate(proof);

        Assert.Null(result.Thumbprint);
        Assert.Equal(OAuthErrorCodes.UseDpopNonce, result.Error?.Code);
        Assert.Equal(description, result.Error!.Description);
        Assert.Equal(nonces.Current("orders"), result.Nonce);
        Assert.Empty(store.Used);
    }

    [Fact]
    public async Task A_proof_without_a_nonce_is_told_to_use_one_and_its_jti_is_not_spent() =>
        await UseNonce(Proof(nonce: null), DpopProofValidator.NonceMissing);

    [Fact]
    public async Task A_proof_with_the_current_nonce_binds_and_needs_no_new_one()
    {
        var result = await Validate(Proof(nonces.Current("orders")));

        Assert.Null(result.Error);
        Assert.Equal(key.Thumbprint, result.Thumbprint);
        Assert.Null(result.Nonce);
        Assert.Single(store.Used);
    }

    [Fact]
    public async Task A_proof_with_the_previous_windows_nonce_binds_and_gets_the_new_one()
    {
        var previous = nonces.Current("orders");
        time.Advance(DpopNonces.Window);

        var result = await Validate(Proof(previous));

        Assert.Null(result.Error);
        Assert.Equal(key.Thumbprint, result.Thumbprint);
        Assert.Equal(nonces.Current("orders"), result.Nonce);
        Assert.NotEqual(previous, result.Nonce);
    }

    [Fact]
    public async Task A_stale_nonce_is_told_to_use_the_new_one()
    {
        var old = nonces.Current("orders");
        time.Advance(2 * DpopNonces.Window);

        await UseNonce(Proof(old), DpopProofValidator.NonceStale);
    }

    [Fact]
    public async Task Another_apps_nonce_is_told_to_use_this_apps() =>
        await UseNonce(Proof(nonces.Current("billing")), DpopProofValidator.NonceInvalid);

    [Fact]
    public async Task A_forged_nonce_is_told_to_use_a_real_one() =>
        await UseNonce(Proof(new string('A', DpopNonces.Length)), DpopProofValidator.NonceInvalid);

    [Fact]
    public async Task A_nonce_that_is_no_string_is_no_nonce_of_ours() =>
        await UseNonce(key.Proof(Endpoint, Now, claims: new Dictionary<string, object?> { ["nonce"] = 12345 }), DpopProofValidator.NonceInvalid);

    [Fact]
    public async Task Where_no_nonce_is_required_a_proofs_nonce_decides_nothing()
    {
        var result = await Validate(Proof("anything"), nonceFor: null);

        Assert.Null(result.Error);
        Assert.Null(result.Nonce);
    }

    [Fact]
    public async Task A_proof_refused_for_another_reason_first_gets_no_nonce()
    {
        var result = await Validate(key.Proof(Endpoint, Now - TimeSpan.FromMinutes(5)));

        Assert.Equal(OAuthErrorCodes.InvalidDpopProof, result.Error?.Code);
        Assert.Null(result.Nonce);
    }

    [Fact]
    public async Task A_replayed_proof_with_a_good_nonce_is_still_a_replay()
    {
        var proof = Proof(nonces.Current("orders"));
        Assert.Null((await Validate(proof)).Error);

        var again = await Validate(proof);

        Assert.Equal(("invalid_dpop_proof", "the DPoP proof was used before (jti)"), (again.Error?.Code, again.Error?.Description));
        Assert.Null(again.Nonce);
    }

    [Fact]
    public async Task A_validator_without_a_nonce_key_refuses_to_pretend() =>
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await new DpopProofValidator(store, time).ValidateAsync(new DpopPresentation(Proof(null), "POST", [Endpoint]), "orders", CancellationToken.None));
}
