using TokenExchange.Server.Health;
using TokenExchange.Server.Hosting.Listeners;
using TokenExchange.Server.Tls;

namespace TokenExchange.Server.Warmup;

public static class WarmupServiceCollectionExtensions
{
    /// <summary>The warm-up and its readiness check (tagged ready: /readyz and the gRPC health service wait for it).</summary>
    public static void AddExchangeWarmup(this IServiceCollection services)
    {
        services.AddSingleton<IWarmupExercise, ExchangePathExercise>();
        services.AddSingleton<ThrowawayUserCreation>();
        services.AddSingleton<IActivationExercise, GrainActivationExercise>();
        services.AddSingleton<IFrontDoorExercise>(sp => new LoopbackFrontDoorExercise(sp.GetRequiredService<FrontDoorListeners>(), sp.GetService<ServerCertificateStore>()));
        services.AddSingleton<IJitActivity, RuntimeJitActivity>();
        services.AddSingleton<ExchangeWarmup>();
        services.AddHostedService(sp => sp.GetRequiredService<ExchangeWarmup>());
        services.AddHealthChecks().AddCheck<WarmupReadyCheck>("warmup", tags: [HealthEndpoints.ReadyTag]);
    }
}
