using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenExchange.Core.Handlers;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Grains.Keys;
using TokenExchange.Grains.Sessions;
using TokenExchange.Grains.Users;
using TokenExchange.Silo.Handlers;
using TokenExchange.Silo.Sessions;
using TokenExchange.Tokens;

namespace TokenExchange.Silo;

public static class SiloServiceCollectionExtensions
{
    /// <summary>
    /// Registers the token exchange services of one silo. The host provides the <see cref="ClusterIssuer"/>
    /// and grain storage named by <see cref="TokenExchange.Grains.StorageNames"/>.
    /// </summary>
    public static IServiceCollection AddTokenExchangeSilo(this IServiceCollection services, Action<TokenExchangeSiloOptions> configure)
    {
        services.Configure(configure);
        // Per-subject grains leave memory after GrainLifetimes.SubjectSession idle (users sooner), unless the host set an age.
        services.Configure<Orleans.Configuration.GrainCollectionOptions>(options =>
        {
            foreach (var (grainClass, age) in Grains.Sessions.GrainLifetimes.PerSubjectAges(Grains.Sessions.GrainLifetimes.SubjectSession))
                options.ClassSpecificCollectionAge.TryAdd(grainClass, age);
        });
        // A grain call gets no longer than a request (the server's --request-timeout, 10 s by default, against Orleans'
        // 30 s; never below 10 s, TokenExchangeSiloOptions.GrainCallTimeout): Orleans' own sweep of unanswered calls
        // then bounds the first attempt of the exchange's grain call, which waits on no timer of its own
        // (GrainCallRetry). Orleans checks at most every second, so an abandoned call answers up to a second late.
        services.AddOptions<Orleans.Configuration.SiloMessagingOptions>()
            .Configure<IOptions<TokenExchangeSiloOptions>>((messaging, silo) => messaging.ResponseTimeout = silo.Value.GrainCallTimeout);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<TokenExchangeMetrics>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TokenExchangeSiloOptions>>().Value.Limits);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TokenExchangeSiloOptions>>().Value.Jwks);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TokenExchangeSiloOptions>>().Value.EnableDevIssuer
            ? new DevIssuerHolder(ActivatorUtilities.CreateInstance<DevIssuer>(sp))
            : new DevIssuerHolder(null));
        services.AddSingleton(sp =>
        {
            var catalog = HandlerTypeCatalog.Load(sp.GetRequiredService<IOptions<TokenExchangeSiloOptions>>().Value.PluginsFolder);
            foreach (var problem in catalog.LoadProblems) sp.GetRequiredService<ILoggerFactory>().CreateLogger<HandlerTypeCatalog>().LogError("Plugin not loaded: {Problem}", problem);
            return catalog;
        });
        services.AddSingleton(sp => new HandlerCompiler(
            IdpHttpClient.Create(),
            sp.GetRequiredService<DevIssuerHolder>().Issuer,
            sp.GetRequiredService<JwksCachePolicy>(),
            sp.GetRequiredService<HandlerTypeCatalog>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TokenExchangeMetrics>()));
        services.AddSingleton<HandlerRuntime>();
        services.AddSingleton<HandlerExecutor>();
        services.AddSingleton<DefinitionCache>();
        services.AddSingleton<IDefinitionSource>(sp => sp.GetRequiredService<DefinitionCache>());
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TokenExchangeSiloOptions>>().Value.KeyEncryptionKey is { } kek
            ? KeyProtector.FromBase64(kek)
            : KeyProtector.Generate());
        services.AddSingleton<SigningKeyCache>();
        services.AddSingleton<ISigningKeySource>(sp => sp.GetRequiredService<SigningKeyCache>());
        services.AddSingleton<TokenMinter>();
        services.AddSingleton(sp => new TransactionTokens(sp.GetRequiredService<ISigningKeySource>(), sp.GetRequiredService<ClusterIssuer>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<TokenExchangeSiloOptions>>().Value.TrustDomain));
        services.AddSingleton<ExchangePipeline>();
        services.AddSingleton<GrainCallRetry>();
        services.AddSingleton<TokenExchange.Proofs.IOneTimeUseStore, Proofs.GrainOneTimeUseStore>();
        // DPoP nonces (RFC 9449 section 8) are keyed by a key every silo derives alike from the key-encryption key.
        services.AddSingleton(sp => new TokenExchange.Proofs.DpopNonces(
            sp.GetRequiredService<KeyProtector>().DeriveKey(TokenExchange.Proofs.DpopNonces.KeyPurpose),
            sp.GetKeyedService<TimeProvider>(TokenExchange.Proofs.DpopNonces.ClockKey) ?? sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<TokenExchange.Proofs.DpopProofValidator>();
        services.AddSingleton<TokenExchange.Clients.IClientAssertionKeys>(sp => new ClientAssertionKeySources(
            IdpHttpClient.Create(),
            sp.GetRequiredService<JwksCachePolicy>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TokenExchangeMetrics>()));
        services.AddSingleton<TokenExchange.Clients.ClientAuthenticator>();
        services.AddSingleton<RefreshTokenGrant>();
        services.AddSingleton<TokenInspection>();
        services.AddSingleton<Events.TokenEvents>();
        services.AddSingleton<Events.ITokenEventSink, Events.AuditLogSink>();
        services.AddSingleton(sp => new Limits.RateLimits(
            sp.GetRequiredService<IOptions<TokenExchangeSiloOptions>>().Value.RateLimits,
            sp.GetKeyedService<TimeProvider>(Limits.RateLimits.ClockKey) ?? sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<TokenExchangeMetrics>()));
        services.AddSingleton<Events.ITokenEventSink, Events.MetricsSink>();
        services.AddSingleton<ExchangeFrontDoor>();
        services.AddSingleton<GrainUserDirectory>();
        services.AddSingleton<UserIndexStore>();
        services.AddSingleton<UserCreation>();
        services.AddSingleton<IUserCatalog, GrainUserCatalog>();
        services.AddSingleton<SessionServices>();
        TokenExchange.Grains.GrainRecordStore.Register(services);
        services.AddSingleton<ISubjectSessions, GrainSubjectSessions>();
        services.AddSingleton<DefinitionWriter>();
        services.AddSingleton<Admin.DefinitionAdmin>();
        services.AddSingleton<Admin.UserLinkAdmin>();
        services.AddSingleton<ClusterStartup>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ClusterStartup>());
        return services;
    }
}

/// <summary>The dev issuer when enabled; a holder so that "not enabled" is explicit in DI.</summary>
public sealed record DevIssuerHolder(DevIssuer? Issuer);
